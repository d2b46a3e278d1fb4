using System.CommandLine;
using Emx;

return await EmxCli.RunAsync(args, Console.Out, Console.Error);
