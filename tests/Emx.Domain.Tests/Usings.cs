global using Emx.Domain.Configuration;
global using Emx.Domain.Runtime;
global using Emx.Domain.Security;
global using Emx.Domain.Validation;
global using Xunit;
