namespace Emx.Sip.Tests;
