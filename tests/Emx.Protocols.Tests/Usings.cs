global using System.Text;
global using Emx.Protocols.CiscoIpPhone;
global using Emx.Protocols.EmApi;
global using Emx.Protocols.Errors;
global using Emx.Protocols.PhoneConfig;
global using Xunit;
