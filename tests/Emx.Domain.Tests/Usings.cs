namespace Emx.Domain.Tests;
