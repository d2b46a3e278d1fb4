CREATE TABLE "AccessControlGroups" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_AccessControlGroups" PRIMARY KEY,
    "Description" TEXT NULL
);


CREATE TABLE "ApplicationUsers" (
    "UserId" TEXT NOT NULL CONSTRAINT "PK_ApplicationUsers" PRIMARY KEY,
    "Description" TEXT NULL,
    "PasswordHash" TEXT NULL,
    "Groups" TEXT NOT NULL
);


CREATE TABLE "AuditLog" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AuditLog" PRIMARY KEY AUTOINCREMENT,
    "Time" INTEGER NOT NULL,
    "Actor" TEXT NOT NULL,
    "Action" TEXT NOT NULL,
    "Target" TEXT NOT NULL,
    "Key" TEXT NULL,
    "Detail" TEXT NULL
);


CREATE TABLE "CallingSearchSpaces" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_CallingSearchSpaces" PRIMARY KEY,
    "Partitions" TEXT NOT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "CertificateExports" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_CertificateExports" PRIMARY KEY AUTOINCREMENT,
    "Time" INTEGER NOT NULL,
    "Type" TEXT NOT NULL,
    "Location" TEXT NOT NULL,
    "Thumbprints" TEXT NOT NULL
);


CREATE TABLE "CommonDeviceConfigurations" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_CommonDeviceConfigurations" PRIMARY KEY,
    "SoftkeyTemplate" TEXT NULL,
    "UserHoldMohAudioSource" TEXT NULL,
    "NetworkHoldMohAudioSource" TEXT NULL,
    "UserLocale" TEXT NULL,
    "IpAddressingMode" TEXT NOT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "CredentialLockouts" (
    "UserId" TEXT NOT NULL,
    "Credential" TEXT NOT NULL,
    "FailedAttempts" INTEGER NOT NULL,
    "LastFailure" INTEGER NULL,
    "LockedUntil" INTEGER NULL,
    CONSTRAINT "PK_CredentialLockouts" PRIMARY KEY ("UserId", "Credential")
);


CREATE TABLE "DeviceEvents" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_DeviceEvents" PRIMARY KEY AUTOINCREMENT,
    "DeviceName" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "Time" INTEGER NOT NULL,
    "Delivered" INTEGER NULL
);


CREATE TABLE "DevicePools" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_DevicePools" PRIMARY KEY,
    "Region" TEXT NULL,
    "Location" TEXT NULL,
    "Geolocation" TEXT NULL,
    "AdjunctCss" TEXT NULL,
    "LocalRouteGroup" TEXT NULL,
    "UserLocale" TEXT NULL,
    "NetworkLocale" TEXT NULL,
    "DateTimeGroup" TEXT NOT NULL,
    "CallManagerGroup" TEXT NOT NULL,
    "MohAudioSource" TEXT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "DeviceProfiles" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_DeviceProfiles" PRIMARY KEY,
    "ProductType" TEXT NOT NULL,
    "UserHoldMohAudioSource" TEXT NULL,
    "Privacy" TEXT NOT NULL,
    "SingleButtonBarge" TEXT NOT NULL,
    "JoinAcrossLines" TEXT NOT NULL,
    "AlwaysUsePrimeLine" TEXT NOT NULL,
    "AlwaysUsePrimeLineForVoiceMessage" TEXT NOT NULL,
    "IgnorePresentationIndicators" INTEGER NOT NULL,
    "DoNotDisturb" INTEGER NOT NULL,
    "DndOption" TEXT NOT NULL,
    "DndIncomingCallAlert" TEXT NOT NULL,
    "EmccCss" TEXT NULL,
    "Module1" TEXT NULL,
    "Module2" TEXT NULL,
    "MlppDomain" TEXT NULL,
    "MlppIndication" TEXT NOT NULL,
    "MlppPreemption" TEXT NOT NULL,
    "LoginUserId" TEXT NULL,
    "Description" TEXT NULL,
    "Protocol" TEXT NOT NULL,
    "UserLocale" TEXT NULL,
    "PhoneButtonTemplate" TEXT NULL,
    "SoftkeyTemplate" TEXT NULL,
    "Lines" TEXT NOT NULL,
    "SpeedDials" TEXT NOT NULL,
    "Services" TEXT NOT NULL
);


CREATE TABLE "DeviceSecurityProfiles" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_DeviceSecurityProfiles" PRIMARY KEY,
    "Mode" TEXT NOT NULL,
    "Transport" TEXT NOT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "DirectoryNumbers" (
    "OwnerKind" TEXT NOT NULL,
    "OwnerName" TEXT NOT NULL,
    "Button" INTEGER NOT NULL,
    "Dn" TEXT NOT NULL,
    "Partition" TEXT NOT NULL,
    CONSTRAINT "PK_DirectoryNumbers" PRIMARY KEY ("OwnerKind", "OwnerName", "Button")
);


CREATE TABLE "EmccDevices" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_EmccDevices" PRIMARY KEY,
    "Number" INTEGER NOT NULL,
    "Template" TEXT NULL
);


CREATE TABLE "EmccSessions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_EmccSessions" PRIMARY KEY AUTOINCREMENT,
    "Side" TEXT NOT NULL,
    "DeviceName" TEXT NOT NULL,
    "EmccDevice" TEXT NULL,
    "UserId" TEXT NOT NULL,
    "DeviceProfile" TEXT NULL,
    "RemoteClusterId" TEXT NOT NULL,
    "PhoneModel" TEXT NULL,
    "PhoneSecure" INTEGER NOT NULL,
    "RoamingDevicePool" TEXT NULL,
    "HomeTftp" TEXT NULL,
    "HomeBackupTftp" TEXT NULL,
    "LoginTime" INTEGER NOT NULL,
    "LoginDuration" INTEGER NULL,
    "LastSeen" INTEGER NULL
);


CREATE TABLE "EmccTemplates" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_EmccTemplates" PRIMARY KEY,
    "DevicePool" TEXT NOT NULL,
    "SipProfile" TEXT NULL,
    "CommonDeviceConfiguration" TEXT NULL,
    "DeviceSecurityProfile" TEXT NULL,
    "Location" TEXT NULL,
    "Default" INTEGER NOT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "EndUsers" (
    "UserId" TEXT NOT NULL CONSTRAINT "PK_EndUsers" PRIMARY KEY,
    "FirstName" TEXT NULL,
    "LastName" TEXT NULL,
    "Mail" TEXT NULL,
    "Department" TEXT NULL,
    "PinHash" TEXT NULL,
    "PasswordHash" TEXT NULL,
    "PinMustChangeAtNextLogin" INTEGER NOT NULL,
    "PasswordMustChangeAtNextLogin" INTEGER NOT NULL,
    "EnableExtensionMobilityCrossCluster" INTEGER NOT NULL,
    "HomeCluster" INTEGER NOT NULL,
    "PrimaryExtension" TEXT NULL,
    "SelfServiceId" TEXT NULL,
    "ControlledProfiles" TEXT NOT NULL,
    "DefaultProfile" TEXT NULL,
    "Groups" TEXT NOT NULL,
    "MaximumLoginTime" TEXT NULL
);


CREATE TABLE "ExtensionMobilityDynamics" (
    "DeviceName" TEXT NOT NULL CONSTRAINT "PK_ExtensionMobilityDynamics" PRIMARY KEY,
    "CurrentUserId" TEXT NULL,
    "CurrentProfile" TEXT NULL,
    "LoginTime" INTEGER NULL,
    "LoginDuration" INTEGER NULL,
    "LastUserId" TEXT NULL,
    "IsEmcc" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NULL,
    "LastChanged" INTEGER NULL,
    "Version" INTEGER NOT NULL
);


CREATE TABLE "GeolocationFilters" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_GeolocationFilters" PRIMARY KEY,
    "Fields" TEXT NOT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "Geolocations" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_Geolocations" PRIMARY KEY,
    "Country" TEXT NULL,
    "A1" TEXT NULL,
    "A2" TEXT NULL,
    "A3" TEXT NULL,
    "A4" TEXT NULL,
    "A5" TEXT NULL,
    "A6" TEXT NULL,
    "Prd" TEXT NULL,
    "Pod" TEXT NULL,
    "Sts" TEXT NULL,
    "Hno" TEXT NULL,
    "Hns" TEXT NULL,
    "Lmk" TEXT NULL,
    "Loc" TEXT NULL,
    "Flr" TEXT NULL,
    "Nam" TEXT NULL,
    "Pc" TEXT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "Jobs" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Jobs" PRIMARY KEY AUTOINCREMENT,
    "Type" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Submitted" INTEGER NOT NULL,
    "Completed" INTEGER NULL,
    "SubmittedBy" TEXT NULL,
    "Result" TEXT NULL
);


CREATE TABLE "Locations" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_Locations" PRIMARY KEY,
    "AudioBandwidthKbps" INTEGER NULL,
    "VideoBandwidthKbps" INTEGER NULL,
    "Description" TEXT NULL
);


CREATE TABLE "NodeCertificates" (
    "Node" TEXT NOT NULL,
    "Purpose" TEXT NOT NULL,
    "Subject" TEXT NOT NULL,
    "Thumbprint" TEXT NOT NULL,
    "KeyAlgorithm" TEXT NOT NULL,
    "NotBefore" INTEGER NOT NULL,
    "NotAfter" INTEGER NOT NULL,
    "Created" INTEGER NOT NULL,
    "Der" BLOB NOT NULL,
    CONSTRAINT "PK_NodeCertificates" PRIMARY KEY ("Node", "Purpose")
);


CREATE TABLE "Nodes" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_Nodes" PRIMARY KEY,
    "Address" TEXT NOT NULL,
    "HttpPort" INTEGER NOT NULL,
    "HttpsPort" INTEGER NOT NULL,
    "ConfigPort" INTEGER NOT NULL,
    "SipPort" INTEGER NOT NULL,
    "Services" TEXT NOT NULL,
    "LastStarted" INTEGER NULL
);


CREATE TABLE "Partitions" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_Partitions" PRIMARY KEY,
    "Description" TEXT NULL
);


CREATE TABLE "PhoneModels" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_PhoneModels" PRIMARY KEY,
    "Protocols" TEXT NOT NULL,
    "Features" TEXT NOT NULL,
    "MaxLines" INTEGER NOT NULL,
    "MaxExpansionModules" INTEGER NOT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "PhoneServices" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_PhoneServices" PRIMARY KEY,
    "Url" TEXT NOT NULL,
    "SecureUrl" TEXT NULL,
    "Category" TEXT NOT NULL,
    "ServiceType" TEXT NOT NULL,
    "Enabled" INTEGER NOT NULL,
    "EnterpriseSubscription" INTEGER NOT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "Phones" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_Phones" PRIMARY KEY,
    "Model" TEXT NOT NULL,
    "DevicePool" TEXT NOT NULL,
    "Css" TEXT NULL,
    "Location" TEXT NULL,
    "Geolocation" TEXT NULL,
    "EnableExtensionMobility" INTEGER NOT NULL,
    "LogoutProfile" TEXT NULL,
    "DeviceSecurityProfile" TEXT NULL,
    "CommonDeviceConfiguration" TEXT NULL,
    "OwnerUserId" TEXT NULL,
    "SipProfile" TEXT NULL,
    "Description" TEXT NULL,
    "Protocol" TEXT NOT NULL,
    "UserLocale" TEXT NULL,
    "PhoneButtonTemplate" TEXT NULL,
    "SoftkeyTemplate" TEXT NULL,
    "Lines" TEXT NOT NULL,
    "SpeedDials" TEXT NOT NULL,
    "Services" TEXT NOT NULL
);


CREATE TABLE "Regions" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_Regions" PRIMARY KEY,
    "MaxAudioBitRateKbps" INTEGER NOT NULL,
    "MaxVideoCallBitRateKbps" INTEGER NOT NULL,
    "LinkLossType" TEXT NOT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "Registrations" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Registrations" PRIMARY KEY AUTOINCREMENT,
    "Aor" TEXT NOT NULL,
    "Partition" TEXT NULL,
    "Contact" TEXT NOT NULL,
    "DeviceName" TEXT NOT NULL,
    "InstanceId" TEXT NULL,
    "CallId" TEXT NOT NULL,
    "CSeq" INTEGER NOT NULL,
    "Source" TEXT NULL,
    "ConnectionId" INTEGER NOT NULL,
    "Node" TEXT NULL,
    "Updated" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NOT NULL
);


CREATE TABLE "RemoteClusterStatuses" (
    "ClusterId" TEXT NOT NULL CONSTRAINT "PK_RemoteClusterStatuses" PRIMARY KEY,
    "RemoteVersion" TEXT NULL,
    "EmccRemoteActivated" INTEGER NOT NULL,
    "PstnAccessRemoteActivated" INTEGER NOT NULL,
    "RsvpAgentRemoteActivated" INTEGER NOT NULL,
    "LastUpdate" INTEGER NULL,
    "LastError" TEXT NULL
);


CREATE TABLE "RemoteClusters" (
    "ClusterId" TEXT NOT NULL CONSTRAINT "PK_RemoteClusters" PRIMARY KEY,
    "Description" TEXT NULL,
    "FullyQualifiedName" TEXT NOT NULL,
    "HttpsPort" INTEGER NOT NULL,
    "Emcc" INTEGER NOT NULL,
    "PstnAccess" INTEGER NOT NULL,
    "RsvpAgent" INTEGER NOT NULL,
    "Tftp" INTEGER NOT NULL
);


CREATE TABLE "RouteGroups" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_RouteGroups" PRIMARY KEY,
    "Distribution" TEXT NOT NULL,
    "Members" TEXT NOT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "RouteLists" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_RouteLists" PRIMARY KEY,
    "Members" TEXT NOT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "RoutePatterns" (
    "Pattern" TEXT NOT NULL,
    "Partition" TEXT NOT NULL,
    "Description" TEXT NULL,
    "Destination" TEXT NOT NULL,
    "Block" INTEGER NOT NULL,
    "DiscardPreDot" INTEGER NOT NULL,
    "PrefixDigits" TEXT NULL,
    CONSTRAINT "PK_RoutePatterns" PRIMARY KEY ("Partition", "Pattern")
);


CREATE TABLE "Settings" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_Settings" PRIMARY KEY,
    "Json" TEXT NOT NULL,
    "Updated" INTEGER NOT NULL
);


CREATE TABLE "SipTrunks" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_SipTrunks" PRIMARY KEY,
    "ServiceType" TEXT NOT NULL,
    "Destination" TEXT NOT NULL,
    "Port" INTEGER NOT NULL,
    "Transport" TEXT NOT NULL,
    "Css" TEXT NULL,
    "DevicePool" TEXT NULL,
    "Location" TEXT NULL,
    "SendGeolocation" INTEGER NOT NULL,
    "OptionsPing" INTEGER NOT NULL,
    "OptionsPingIntervalSeconds" INTEGER NOT NULL,
    "Description" TEXT NULL
);


CREATE TABLE "TrustedCertificates" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_TrustedCertificates" PRIMARY KEY AUTOINCREMENT,
    "Store" TEXT NOT NULL,
    "Thumbprint" TEXT NOT NULL,
    "Subject" TEXT NOT NULL,
    "NotAfter" INTEGER NOT NULL,
    "SourceCluster" TEXT NOT NULL,
    "SourceNode" TEXT NULL,
    "SourcePurpose" TEXT NULL,
    "Imported" INTEGER NOT NULL,
    "Der" BLOB NOT NULL
);


CREATE INDEX "IX_AuditLog_Time" ON "AuditLog" ("Time");


CREATE INDEX "IX_DeviceEvents_DeviceName_Delivered" ON "DeviceEvents" ("DeviceName", "Delivered");


CREATE INDEX "IX_DirectoryNumbers_Dn_Partition" ON "DirectoryNumbers" ("Dn", "Partition");


CREATE UNIQUE INDEX "IX_EmccDevices_Number" ON "EmccDevices" ("Number");


CREATE INDEX "IX_EmccSessions_EmccDevice" ON "EmccSessions" ("EmccDevice");


CREATE UNIQUE INDEX "IX_EmccSessions_Side_DeviceName" ON "EmccSessions" ("Side", "DeviceName");


CREATE INDEX "IX_EmccSessions_UserId" ON "EmccSessions" ("UserId");


CREATE INDEX "IX_ExtensionMobilityDynamics_CurrentUserId" ON "ExtensionMobilityDynamics" ("CurrentUserId");


CREATE INDEX "IX_ExtensionMobilityDynamics_ExpiresAt" ON "ExtensionMobilityDynamics" ("ExpiresAt");


CREATE INDEX "IX_Registrations_Aor_Partition" ON "Registrations" ("Aor", "Partition");


CREATE INDEX "IX_Registrations_DeviceName" ON "Registrations" ("DeviceName");


CREATE INDEX "IX_Registrations_ExpiresAt" ON "Registrations" ("ExpiresAt");


CREATE INDEX "IX_TrustedCertificates_SourceCluster" ON "TrustedCertificates" ("SourceCluster");


CREATE UNIQUE INDEX "IX_TrustedCertificates_Store_Thumbprint" ON "TrustedCertificates" ("Store", "Thumbprint");


