namespace Emx.Integration.Tests.Infrastructure;

/// <summary>A thread-safe TextWriter for a command's stdout/stderr that a test can wait on, line by line.</summary>
public sealed class CapturingWriter : TextWriter
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private int _scanned;

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        lock (_lock)
        {
            _text.Append(value);
            ScanLines();
        }
    }

    public override void WriteLine(string? value) => Write(value + "\n");

    public override string ToString()
    {
        lock (_lock)
        {
            return _text.ToString();
        }
    }

    /// <summary>Waits for a complete line matching <paramref name="match"/> (including lines already written).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            var existing = Lines(_text.ToString()).FirstOrDefault(match);
            if (existing is not null)
            {
                return existing;
            }

            _waiters.Add((match, found));
        }

        await using (cancellationToken.Register(() => found.TrySetCanceled(cancellationToken)))
        {
            return await found.Task;
        }
    }

    private void ScanLines()
    {
        var text = _text.ToString();
        var end = text.LastIndexOf('\n');
        if (end < _scanned)
        {
            return;
        }

        foreach (var line in Lines(text[_scanned..(end + 1)]))
        {
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(line);
            }
        }

        _scanned = end + 1;
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).SkipLast(text.EndsWith('\n') ? 1 : 0);
}

/// <summary>Runs the emx command line in-process.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<CliResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        var stdout = new CapturingWriter();
        var stderr = new CapturingWriter();
        using var limit = Timeouts.After(timeout);
        var code = await Emx.EmxCli.RunAsync(args, stdout, stderr, limit.Token);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public string Describe(string heading) => $"{heading}\nexit code {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Free TCP ports.</summary>
public static class Ports
{
    /// <summary>A port that is free on every given address right now.</summary>
    public static int FreeOn(params IPAddress[] addresses)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = new System.Net.Sockets.TcpListener(addresses[0], 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            var others = new List<System.Net.Sockets.TcpListener>();
            try
            {
                foreach (var address in addresses.Skip(1))
                {
                    var other = new System.Net.Sockets.TcpListener(address, port);
                    other.Start();
                    others.Add(other);
                }

                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Taken on another address: try another port.
            }
            finally
            {
                first.Stop();
                others.ForEach(o => o.Stop());
            }
        }

        throw new InvalidOperationException("no port is free on every address");
    }
}
