using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Emx.Integration.Tests.Infrastructure;

/// <summary>A line for baresip to register: the directory number, the Cisco device it plays and where emx is.</summary>
/// <param name="Dn">The directory number (the address of record's user part).</param>
/// <param name="Device">The device whose line it is, SEP + 12 hex digits: baresip's +sip.instance names it.</param>
/// <param name="Registrar">emx's SIP endpoint (UDP).</param>
/// <param name="AutoAnswer">Answer incoming calls at once (account parameter <c>answermode=auto</c>).</param>
public sealed record BaresipLine(string Dn, string Device, IPEndPoint Registrar, bool AutoAnswer = false);

/// <summary>
/// baresip (Debian baresip-core), a real SIP user agent, run headless in its own configuration directory and driven
/// over its <c>ctrl_tcp</c> module: netstring-framed JSON commands (the <c>menu</c> module's dial, accept, hangup,
/// quit) and events (REGISTER_OK, CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED ...).
/// </summary>
/// <remarks>
/// <para>
/// baresip 1.0 puts <c>+sip.instance="&lt;urn:uuid:UUID&gt;"</c> on the REGISTER Contact whenever a UUID is
/// configured; the <c>uuid</c> module reads it from the file <c>uuid</c> of the configuration directory with
/// <c>fgets</c>, so the file must not end with a newline (it would land inside the URN). emx reads the device from
/// that URN: 00000000-0000-0000-0000-MMMMMMMMMMMM for SEP + MMMMMMMMMMMM.
/// </para>
/// <para>
/// No sound card: the <c>aubridge</c> module is both the audio source and the player (a loop between them, no device).
/// <c>ausine</c> would do as a source only at 48 kHz, which G.711 at 8 kHz is not. Codecs: <c>g711</c> (PCMU, PCMA).
/// </para>
/// <para>
/// Without baresip on the PATH a test fails when CI=true and otherwise writes a diagnostic line and returns (as
/// <see cref="Emx.Testing.Sipp.Find"/>).
/// </para>
/// </remarks>
public sealed class Baresip : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly CapturingWriter _output;
    private readonly TcpClient _control;
    private readonly NetworkStream _stream;
    private readonly Task _reader;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly Lock _lock = new();
    private readonly List<JsonObject> _events = [];
    private readonly List<(int From, string Type, TaskCompletionSource<int> Found)> _waiters = [];
    private int _consumed;
    private int _disposed;
    private int _token;

    private Baresip(Process process, DirectoryInfo directory, CapturingWriter output, TcpClient control, int sipPort)
    {
        _process = process;
        _directory = directory;
        _output = output;
        _control = control;
        _stream = control.GetStream();
        SipEndPoint = new IPEndPoint(IPAddress.Loopback, sipPort);
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Where baresip listens for SIP and sends it from (UDP and TCP).</summary>
    public IPEndPoint SipEndPoint { get; }

    /// <summary>The baresip executable, or null (after the CI check and a diagnostic) when it is not installed.</summary>
    public static string? Find(string testName)
    {
        var baresip = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "baresip"))
            .FirstOrDefault(File.Exists);
        if (baresip is null)
        {
            Assert.False(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "baresip is not installed, but CI=true: install Debian package baresip-core in .ci/run.");
            var notRun = $"baresip is not on the PATH: {testName} NOT run (install baresip-core).";
            TestContext.Current.SendDiagnosticMessage(notRun);
            TestContext.Current.TestOutputHelper?.WriteLine(notRun);
        }

        return baresip;
    }

    /// <summary>
    /// Writes a configuration directory for <paramref name="line"/>, starts baresip on it (with the SIP trace on) and
    /// connects to its control port. It registers the line at once; wait for <c>REGISTER_OK</c>.
    /// </summary>
    public static async Task<Baresip> StartAsync(string executable, BaresipLine line, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(line);
        var directory = Directory.CreateTempSubdirectory("emx-baresip-");
        var sipPort = FreeUdpAndTcpPort();
        var controlPort = Ports.FreeOn(IPAddress.Loopback);
        await WriteConfigurationAsync(directory, line, ModulePath(executable), sipPort, controlPort);

        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = directory.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-f", directory.FullName, "-s" })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new CapturingWriter();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Capture(output, e.Data);
        process.ErrorDataReceived += (_, e) => Capture(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var control = await ConnectAsync(process, controlPort, output, timeout);
            return new Baresip(process, directory, output, control, sipPort);
        }
        catch
        {
            await StopProcessAsync(process);
            process.Dispose();
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Runs a command of the menu module (dial, accept, hangup ...); fails the test unless baresip says ok.</summary>
    public async Task<string> CommandAsync(string command, string? parameters = null, TimeSpan? timeout = null)
    {
        var token = Interlocked.Increment(ref _token).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[token] = answer;
        var json = new JsonObject { ["command"] = command, ["token"] = token };
        if (parameters is not null)
        {
            json["params"] = parameters;
        }

        using var limit = Timeouts.After(timeout ?? TimeSpan.FromSeconds(10));
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        await _send.WaitAsync(limit.Token);
        try
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + ":"), limit.Token);
            await _stream.WriteAsync(bytes, limit.Token);
            await _stream.WriteAsync(","u8.ToArray(), limit.Token);
        }
        finally
        {
            _send.Release();
        }

        JsonObject response;
        try
        {
            response = await answer.Task.WaitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"baresip did not answer '{command}':{Environment.NewLine}{Describe()}");
        }
        finally
        {
            _pending.TryRemove(token, out _);
        }

        var data = response["data"]?.GetValue<string>() ?? string.Empty;
        Assert.True(response["ok"]?.GetValue<bool>() == true, $"baresip refused '{command} {parameters}': {data}{Environment.NewLine}{Describe()}");
        return data;
    }

    /// <summary>
    /// Waits for the next event of <paramref name="type"/> after the last one a wait returned (events are consumed in
    /// order, so a later wait never matches an earlier event); fails the test with the events seen and baresip's output.
    /// </summary>
    public async Task<JsonObject> WaitForEventAsync(string type, TimeSpan? timeout = null)
    {
        var found = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            var index = _events.FindIndex(_consumed, e => Type(e) == type);
            if (index >= 0)
            {
                _consumed = index + 1;
                return _events[index];
            }

            _waiters.Add((_consumed, type, found));
        }

        using var limit = Timeouts.After(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            var index = await found.Task.WaitAsync(limit.Token);
            lock (_lock)
            {
                _consumed = Math.Max(_consumed, index + 1);
                return _events[index];
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"baresip sent no {type} event within {(timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds:0}s:{Environment.NewLine}{Describe()}");
        }
        finally
        {
            lock (_lock)
            {
                _waiters.RemoveAll(w => w.Found == found);
            }
        }
    }

    /// <summary>The events received so far and the end of baresip's output (SIP trace included), for failure messages.</summary>
    public string Describe()
    {
        string events;
        lock (_lock)
        {
            events = string.Join(", ", _events.Select(e => $"{Type(e)}({e["param"]?.ToString()})"));
        }

        // The menu module rewrites a call status line many times a second: leave it out.
        var log = string.Join('\n', _output.ToString().Split('\n').Where(l => !l.StartsWith("[0:", StringComparison.Ordinal)));
        return $"events: {events}{Environment.NewLine}baresip output:{Environment.NewLine}{(log.Length <= 12_000 ? log : log[^12_000..])}";
    }

    /// <summary>
    /// Sends <c>quit</c> (baresip unregisters its line, then exits once the registrar answered) and waits up to 5 s for
    /// the exit; kills the process tree if it has not exited by then. Returns whether it exited by itself.
    /// </summary>
    public async Task<bool> QuitAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await CommandAsync("quit", timeout: TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or Xunit.Sdk.XunitException)
            {
                // Killed below.
            }
        }

        if (await StopProcessAsync(_process))
        {
            TestContext.Current.TestOutputHelper?.WriteLine("baresip did not quit within 5 s of the quit command: killed." + Environment.NewLine + Describe());
            return false;
        }

        return true;
    }

    /// <summary>Quits baresip (<see cref="QuitAsync"/>) unless it has exited already, and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await QuitAsync();
        await _stop.CancelAsync();
        _control.Dispose();
        await _reader;
        _process.Dispose();
        _stop.Dispose();
        _send.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Something still holds a file: the temp directory is cleaned up by the system.
        }
    }

    /// <summary>The modules beside the executable's prefix (Debian: /usr/bin/baresip, /usr/lib/baresip/modules).</summary>
    private static string ModulePath(string executable)
    {
        var prefix = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(executable)))!;
        var modules = Path.Combine(prefix, "lib", "baresip", "modules");
        return Directory.Exists(modules) ? modules : "/usr/lib/baresip/modules";
    }

    private static async Task WriteConfigurationAsync(DirectoryInfo directory, BaresipLine line, string modulePath, int sipPort, int controlPort)
    {
        var sip = "127.0.0.1:" + sipPort.ToString(CultureInfo.InvariantCulture);
        var control = "127.0.0.1:" + controlPort.ToString(CultureInfo.InvariantCulture);
        string[] config =
        [
            "poll_method epoll",
            "sip_listen " + sip,
            // The loopback address for SDP and media as well (by default baresip takes the default route's interface).
            "net_interface 127.0.0.1",
            "module_path " + modulePath,
            "module g711.so",
            "module aubridge.so",
            "module_tmp uuid.so",
            "module_tmp account.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
            "ctrl_tcp_listen " + control,
            "audio_player aubridge,emx",
            "audio_source aubridge,emx",
            "audio_alert aubridge,emx",
        ];
        await File.WriteAllLinesAsync(Path.Combine(directory.FullName, "config"), config, TestContext.Current.CancellationToken);

        var registrar = line.Registrar.ToString();
        var account = $"<sip:{line.Dn}@{registrar};transport=udp>;regint=600{(line.AutoAnswer ? ";answermode=auto" : string.Empty)}";
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "accounts"), account + "\n", TestContext.Current.CancellationToken);

        // No trailing newline: the uuid module keeps it (see the remarks).
        var mac = line.Device[3..].ToLowerInvariant();
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "uuid"), "00000000-0000-0000-0000-" + mac, TestContext.Current.CancellationToken);
    }

    private static void Capture(CapturingWriter output, string? line)
    {
        if (line is not null)
        {
            output.WriteLine(line);
        }
    }

    private static async Task<TcpClient> ConnectAsync(Process process, int port, CapturingWriter output, TimeSpan timeout)
    {
        using var limit = Timeouts.After(timeout);
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail($"baresip exited with {process.ExitCode} before opening its control port:{Environment.NewLine}{output}");
            }

            var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, limit.Token);
                return client;
            }
            catch (SocketException)
            {
                client.Dispose();
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                client.Dispose();
                Assert.Fail($"baresip did not open its control port within {timeout.TotalSeconds:0}s:{Environment.NewLine}{output}");
            }

            try
            {
                await Task.Delay(50, limit.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"baresip did not open its control port within {timeout.TotalSeconds:0}s:{Environment.NewLine}{output}");
            }
        }
    }

    /// <summary>Waits up to 5 s for the process to exit, then kills its tree; returns whether it had to.</summary>
    private static async Task<bool> StopProcessAsync(Process process)
    {
        var killed = false;
        if (!process.HasExited)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                killed = true;
            }
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(limit.Token);
        return killed;
    }

    /// <summary>Reads netstrings (<c>length:json,</c>) from the control connection: responses and events.</summary>
    private async Task ReadAsync()
    {
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(chunk, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                buffer.AddRange(chunk.AsSpan(0, read));
                while (TryTakeNetstring(buffer, out var message))
                {
                    Dispatch(message);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection closed: baresip quit or was killed.
        }
        finally
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new IOException("baresip closed its control connection"));
            }
        }
    }

    private static bool TryTakeNetstring(List<byte> buffer, out byte[] message)
    {
        message = [];
        var colon = buffer.IndexOf((byte)':');
        if (colon < 0)
        {
            return false;
        }

        var length = int.Parse(Encoding.ASCII.GetString([.. buffer.Take(colon)]), NumberStyles.None, CultureInfo.InvariantCulture);
        if (buffer.Count < colon + 1 + length + 1)
        {
            return false;
        }

        message = [.. buffer.Skip(colon + 1).Take(length)];
        buffer.RemoveRange(0, colon + 1 + length + 1);
        return true;
    }

    private void Dispatch(byte[] message)
    {
        if (JsonNode.Parse(message) is not JsonObject json)
        {
            return;
        }

        if (json["response"]?.GetValue<bool>() == true)
        {
            if (json["token"]?.GetValue<string>() is { } token && _pending.TryGetValue(token, out var pending))
            {
                pending.TrySetResult(json);
            }

            return;
        }

        lock (_lock)
        {
            _events.Add(json);
            var index = _events.Count - 1;
            foreach (var waiter in _waiters.Where(w => w.From <= index && w.Type == Type(json)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(index);
            }
        }
    }

    private static string? Type(JsonObject json) => json["type"]?.GetValue<string>();

    /// <summary>A port free for both UDP and TCP on loopback: baresip's sip_listen binds both.</summary>
    private static int FreeUdpAndTcpPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for TCP: try another.
            }
        }

        throw new InvalidOperationException("no loopback port is free for both UDP and TCP");
    }
}
