namespace Emx.Domain.Configuration;

/// <summary>Cluster security mode (CUCM "cluster security mode"): drives the EMCC security matrices (seed tables 5-7).</summary>
public enum ClusterSecurityMode { NonSecure, Mixed }

/// <summary>Device signalling protocol.</summary>
public enum DeviceProtocol { SIP, SCCP }

/// <summary>Features a phone model can support (the "Phone Feature List" report).</summary>
public enum PhoneFeature { ExtensionMobility, ExtensionMobilityCrossCluster, ExtensionMobilityRoaming, Intercom, Video }

/// <summary>Services that can be activated on a node (Cisco Unified Serviceability, Service Activation).</summary>
public enum NodeService { CallManager, Tftp, ExtensionMobility, BulkProvisioning, Ils }

/// <summary>Multiple Login Behavior service parameter of Cisco Extension Mobility.</summary>
public enum MultipleLoginBehavior { Allowed, NotAllowed, AutoLogout }

/// <summary>Privacy / Single Button Barge / Join Across Lines style tri-state: Off, On, Default (inherit).</summary>
public enum OnOffDefault { Default, Off, On }

/// <summary>Single Button Barge options of a device profile (seed table 1).</summary>
public enum SingleButtonBarge { Default, Off, Barge, CBarge }

/// <summary>DND Option (seed table 1).</summary>
public enum DndOption { UseCommonPhoneProfileSetting, CallReject, RingerOff }

/// <summary>DND Incoming Call Alert (seed table 1).</summary>
public enum DndIncomingCallAlert { None, Disable, BeepOnly, FlashOnly }

/// <summary>MLPP Indication (seed table 1).</summary>
public enum MlppIndication { Default, Off, On }

/// <summary>MLPP Preemption (seed table 1).</summary>
public enum MlppPreemption { Default, Disabled, Forceful }

/// <summary>Trunk Service Type of a SIP trunk.</summary>
public enum TrunkServiceType { None, ExtensionMobilityCrossClusters, CallControlDiscovery, IntercompanyMediaEngine, IpMultimediaSubsystem }

/// <summary>SIP transport.</summary>
public enum SipTransportKind { Udp, Tcp, Tls }

/// <summary>Device Security Mode of a device security profile.</summary>
public enum DeviceSecurityMode { NonSecure, Authenticated, Encrypted }

/// <summary>Phone service category.</summary>
public enum PhoneServiceCategory { XmlService, JavaMidlet }

/// <summary>Phone service type: which phone button it is provisioned to.</summary>
public enum PhoneServiceType { StandardIpPhoneService, Directories, Messages }

/// <summary>"CSS for PSTN Access SIP Trunk" EMCC feature parameter.</summary>
public enum CssForPstnAccessSipTrunk { UseTrunkCss, UsePhonesOriginalDeviceCss }

/// <summary>EMCC Region Link Loss Type / region link loss type.</summary>
public enum LinkLossType { LowLoss, Lossy }

/// <summary>ILS role of a cluster.</summary>
public enum IlsRole { Hub, Spoke }

/// <summary>Civic address fields of a geolocation (CUCM geolocation configuration, RFC 4776 names).</summary>
public enum GeolocationField { Country, A1, A2, A3, A4, A5, A6, Prd, Pod, Sts, Hno, Hns, Lmk, Loc, Flr, Nam, Pc }

/// <summary>What a route pattern routes to.</summary>
public enum RouteDestinationKind { RouteList, RouteGroup, SipTrunk, StandardLocalRouteGroup }
