namespace Emx.Protocols.Tests;
