namespace Emx.Integration.Tests;
