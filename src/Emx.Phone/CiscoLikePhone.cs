using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Emx.Protocols;
using Emx.Protocols.CiscoIpPhone;
using Emx.Protocols.PhoneConfig;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;

namespace Emx.Phones;

/// <summary>
/// A Cisco-like SIP phone (reference 11): downloads <c>SEP&lt;MAC&gt;.cnf.xml</c> from its cluster's configuration
/// port, registers every line it finds with its primary CallManager (<c>+sip.instance</c> naming its MAC), refreshes
/// the registrations, and answers an unsolicited NOTIFY <c>Event: check-sync</c> with 200 and then unregisters,
/// downloads its configuration again and registers the new lines. It also runs XML phone services (Extension
/// Mobility) from its configuration's phoneServices: screens come back as UI-agnostic <see cref="PhoneScreen"/>s. It
/// places and answers calls as a SIP user agent (<see cref="PlaceCallAsync"/>, <see cref="CallRinging"/>,
/// <see cref="PhoneCall"/>).
/// </summary>
/// <remarks>
/// Tests and benchmarks drive it directly and wait on <see cref="Synced"/> or <see cref="NextSyncAsync"/>;
/// <c>emx phone</c> puts a terminal in front of it. It depends on the wire formats (Emx.Protocols) and the SIP stack
/// (Emx.Sip) only, never on the server.
/// </remarks>
public sealed partial class CiscoLikePhone : IAsyncDisposable
{
    internal const string UserAgentName = "emx-phone";
    private static readonly string[] AllowedMethods = [SipMethods.Ack, SipMethods.Bye, SipMethods.Cancel, SipMethods.Info, SipMethods.Invite, SipMethods.Notify, SipMethods.Options, SipMethods.Update];

    /// <summary>The value of the Allow header of the phone's requests and answers.</summary>
    internal static readonly string AllowHeader = string.Join(", ", AllowedMethods);

    private readonly CiscoLikePhoneOptions _options;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _syncGate = new(1, 1);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private readonly List<TaskCompletionSource<PhoneSyncedEventArgs>> _syncWaiters = [];
    private List<LineState> _lines = [];
    private SipTransactionLayer? _layer;
    private ISipTransport? _transport;
    private SipDestination? _registrar;
    private string _registrarHost = string.Empty;
    private PhoneConfigFile? _config;
    private PhoneScreen? _screen;
    private int _syncCount;
    private int _disposed;

    /// <summary>Creates the phone; <see cref="StartAsync"/> boots it.</summary>
    public CiscoLikePhone(CiscoLikePhoneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Cluster);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxCallsPerLine, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.AutoAnswerDelay, TimeSpan.Zero);
        if (options.Codecs is not { Count: > 0 } codecs || !codecs.All(PhoneSdp.IsKnownCodec))
        {
            throw new ArgumentException("Codecs must name one or more of G722, PCMU, PCMA, G729.", nameof(options));
        }

        _options = options;
        _http = options.HttpHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false) { Timeout = options.HttpTimeout }
            : new HttpClient { Timeout = options.HttpTimeout };
    }

    /// <summary>Raised after the boot and after every re-sync, once the lines are registered (or refused).</summary>
    public event EventHandler<PhoneSyncedEventArgs>? Synced;

    /// <summary>Raised after every REGISTER of a line is answered (registration, refresh, unregistration, refusal).</summary>
    public event EventHandler<PhoneLine>? LineChanged;

    /// <summary>Raised for what the phone did or met (NOTIFY received, registration refused, errors).</summary>
    public event EventHandler<PhoneDiagnosticEventArgs>? Diagnostic;

    /// <summary>The phone's device name.</summary>
    public DeviceName DeviceName => _options.DeviceName;

    /// <summary>The configuration file last downloaded, or null before the boot.</summary>
    public PhoneConfigFile? Config
    {
        get
        {
            lock (_gate)
            {
                return _config;
            }
        }
    }

    /// <summary>The versionStamp of the configuration in use.</summary>
    public string? ConfigVersion => Config?.VersionStamp;

    /// <summary>Every line of the configuration in use, with its registration state.</summary>
    public IReadOnlyList<PhoneLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines.Select(l => l.Snapshot())];
            }
        }
    }

    /// <summary>The directory numbers currently registered.</summary>
    public IReadOnlyList<string> RegisteredLines => [.. Lines.Where(l => l.IsRegistered).Select(l => l.Dn)];

    /// <summary>How many syncs (boot included) have completed.</summary>
    public int SyncCount => Volatile.Read(ref _syncCount);

    /// <summary>The phone's SIP address and port, once started.</summary>
    public IPEndPoint? SipEndPoint => _transport?.LocalEndPoint;

    /// <summary>Where the phone registers, once it has read its configuration.</summary>
    public IPEndPoint? RegistrarEndPoint => _registrar?.EndPoint;

    /// <summary>The services the configuration offers (phoneServices).</summary>
    public IReadOnlyList<PhoneServiceEntry> Services => Config?.PhoneServices?.Services ?? [];

    /// <summary>The service screen shown, or null when no service is open.</summary>
    public PhoneScreen? Screen
    {
        get
        {
            lock (_gate)
            {
                return _screen;
            }
        }
    }

    /// <summary>
    /// Boots: binds the SIP transport, downloads the configuration file and registers its lines. Completes when
    /// every line has an answer (see <see cref="Lines"/>).
    /// </summary>
    /// <exception cref="PhoneException">The configuration file cannot be downloaded or read.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The local SIP address cannot be bound.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var local = new IPEndPoint(_options.LocalAddress, _options.LocalSipPort);
        ISipTransport transport = _options.Transport == SipTransportKind.Tcp
            ? new SipTcpTransport(local, timeProvider: _options.TimeProvider)
            : new SipUdpTransport(local);
        var layer = new SipTransactionLayer([transport], new UserAgent(this), _options.TimeProvider, _options.SipTimers);
        if (Interlocked.CompareExchange(ref _layer, layer, null) is not null)
        {
            await layer.DisposeAsync();
            throw new InvalidOperationException("The phone is already started.");
        }

        _transport = transport;
        layer.Start();
        await SyncAsync(unregisterFirst: false, cancellationToken);
    }

    /// <summary>
    /// What check-sync makes the phone do: unregister every line, download the configuration again and register the
    /// lines found there. Completes when the new lines have answers.
    /// </summary>
    public Task ResyncAsync(CancellationToken cancellationToken) => SyncAsync(unregisterFirst: true, cancellationToken);

    /// <summary>
    /// A task that completes at the next <see cref="Synced"/>: take it before causing the re-sync (a login), then await
    /// it with a timeout.
    /// </summary>
    public Task<PhoneSyncedEventArgs> NextSyncAsync()
    {
        var waiter = new TaskCompletionSource<PhoneSyncedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _syncWaiters.Add(waiter);
        }

        return waiter.Task;
    }

    /// <summary>Unregisters every line (REGISTER with Expires 0), as a phone that is switched off cleanly does.</summary>
    public async Task UnregisterAllAsync(CancellationToken cancellationToken)
    {
        await _syncGate.WaitAsync(cancellationToken);
        try
        {
            await UnregisterCoreAsync(cancellationToken);
        }
        finally
        {
            _syncGate.Release();
        }
    }

    /// <summary>
    /// Opens a service of the configuration's phoneServices by name (case-insensitive): substitutes
    /// <c>#DEVICENAME#</c> and <c>#EMCC#</c> in its URL, GETs it and shows the screen.
    /// </summary>
    /// <exception cref="ArgumentException">No service has that name.</exception>
    public Task<PhoneScreen> OpenServiceAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var service = Services.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"The configuration has no service named '{name}'.", nameof(name));
        var url = service.Url
            .Replace("#DEVICENAME#", DeviceName.Value, StringComparison.Ordinal)
            .Replace("#EMCC#", _options.EmccCapable ? "true" : "false", StringComparison.Ordinal);
        return NavigateAsync(url, null, cancellationToken);
    }

    /// <summary>Types <paramref name="value"/> into the current form's field <paramref name="name"/> (its query parameter name).</summary>
    /// <exception cref="InvalidOperationException">No form is shown, or it has no such field.</exception>
    public PhoneScreen SetField(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (_screen is not { Kind: PhoneScreenKind.Input } screen || !screen.Fields.Any(f => f.Name == name))
            {
                throw new InvalidOperationException($"No form with a field '{name}' is shown.");
            }

            _screen = screen.WithFieldValue(name, value);
            return _screen;
        }
    }

    /// <summary>
    /// Fills in the current form (<paramref name="values"/> by query parameter name; the other fields keep their
    /// values) and submits it: a GET of its URL with every field appended as name=value, as phones do (reference 2.4).
    /// </summary>
    /// <exception cref="InvalidOperationException">No form is shown.</exception>
    public Task<PhoneScreen> SubmitInputAsync(IEnumerable<KeyValuePair<string, string>> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (name, value) in values)
        {
            SetField(name, value);
        }

        return SubmitAsync(cancellationToken);
    }

    /// <summary>Chooses menu entry <paramref name="number"/> (1-based) of the current menu and follows its URL.</summary>
    /// <exception cref="InvalidOperationException">No menu is shown, or it has no such entry.</exception>
    public Task<PhoneScreen> SelectMenuItemAsync(int number, CancellationToken cancellationToken)
    {
        var screen = Screen;
        if (screen is not { Kind: PhoneScreenKind.Menu } || number < 1 || number > screen.MenuItems.Count)
        {
            throw new InvalidOperationException($"No menu with an entry {number} is shown.");
        }

        return NavigateAsync(screen.MenuItems[number - 1].Url, screen.Source, cancellationToken);
    }

    /// <summary>
    /// Presses the soft key named <paramref name="name"/> (case-insensitive): <c>SoftKey:Submit</c> submits the form,
    /// <c>SoftKey:Select</c> chooses the first menu entry, <c>SoftKey:Exit</c> and <c>SoftKey:Cancel</c> close the
    /// service (null), <c>SoftKey:&lt;&lt;</c> erases the last character typed, and a URL is followed.
    /// </summary>
    /// <exception cref="InvalidOperationException">No screen is shown, or it has no such soft key.</exception>
    public async Task<PhoneScreen?> PressSoftKeyAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var screen = Screen ?? throw new InvalidOperationException("No service is open.");
        var key = screen.SoftKeys.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"The screen has no soft key '{name}'.");
        switch (key.Url)
        {
            case "SoftKey:Submit":
                return await SubmitAsync(cancellationToken);
            case "SoftKey:Select":
                return await SelectMenuItemAsync(1, cancellationToken);
            case "SoftKey:Exit" or "SoftKey:Cancel":
                CloseService();
                return null;
            case "SoftKey:<<":
                var typed = screen.Fields.LastOrDefault(f => f.Value.Length > 0);
                return typed is null ? screen : SetField(typed.Name, typed.Value[..^1]);
            default:
                if (key.Url.StartsWith("SoftKey:", StringComparison.OrdinalIgnoreCase) || key.Url.StartsWith("Init:", StringComparison.OrdinalIgnoreCase))
                {
                    // A built-in the simulator does not model (Dial, Update...): the screen stays.
                    return screen;
                }

                return await NavigateAsync(key.Url, screen.Source, cancellationToken);
        }
    }

    /// <summary>Closes the open service.</summary>
    public void CloseService()
    {
        lock (_gate)
        {
            _screen = null;
        }
    }

    /// <summary>Stops the phone without unregistering (like pulling the cable); see <see cref="UnregisterAllAsync"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        AbortCalls();
        lock (_gate)
        {
            foreach (var line in _lines)
            {
                line.StopRefresh();
            }

            foreach (var waiter in _syncWaiters)
            {
                waiter.TrySetCanceled();
            }
        }

        if (_layer is { } layer)
        {
            await layer.DisposeAsync();
        }

        try
        {
            await Task.WhenAll(_background.Keys).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or PhoneException or HttpRequestException)
        {
            // Background work cut short by the shutdown.
        }

        _http.Dispose();
        _syncGate.Dispose();
        _stopping.Dispose();
    }

    private async Task SyncAsync(bool unregisterFirst, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var token = linked.Token;
        await _syncGate.WaitAsync(token);
        PhoneSyncedEventArgs synced;
        try
        {
            if (unregisterFirst)
            {
                await UnregisterCoreAsync(token);
            }

            var config = await DownloadConfigAsync(token);
            var registrar = await ResolveRegistrarAsync(config, token);
            var lines = (config.SipProfile?.Lines ?? []).Select(l => new LineState(l, _options.MaxCallsPerLine)).ToList();
            lock (_gate)
            {
                _config = config;
                _registrar = registrar.Destination;
                _registrarHost = registrar.Host;
                _lines = lines;
                if (unregisterFirst)
                {
                    // The phone restarts: an open service closes.
                    _screen = null;
                }
            }

            DropCallsOfGoneLines([.. lines.Select(l => l.Dn)]);
            await Task.WhenAll(lines.Select(line => RegisterAsync(line, _options.RegisterExpires, token)));
            synced = new PhoneSyncedEventArgs(Interlocked.Increment(ref _syncCount), config.VersionStamp, [.. lines.Select(l => l.Snapshot())]);
        }
        finally
        {
            _syncGate.Release();
        }

        List<TaskCompletionSource<PhoneSyncedEventArgs>> waiters;
        lock (_gate)
        {
            waiters = [.. _syncWaiters];
            _syncWaiters.Clear();
        }

        Synced?.Invoke(this, synced);
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(synced);
        }
    }

    private async Task UnregisterCoreAsync(CancellationToken cancellationToken)
    {
        List<LineState> lines;
        lock (_gate)
        {
            lines = [.. _lines];
        }

        foreach (var line in lines)
        {
            line.StopRefresh();
        }

        await Task.WhenAll(lines.Where(l => l.IsRegistered).Select(l => RegisterAsync(l, 0, cancellationToken)));
    }

    private async Task<PhoneConfigFile> DownloadConfigAsync(CancellationToken cancellationToken)
    {
        var host = _options.Cluster.Contains(':', StringComparison.Ordinal) && !_options.Cluster.StartsWith('[') ? "[" + _options.Cluster + "]" : _options.Cluster;
        var config = await DownloadConfigAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{_options.ConfigPort}/{DeviceName.ConfigFileName}")), cancellationToken);
        if (config.Emcc is not { } emcc)
        {
            return config;
        }

        // EMCC mode (the visiting cluster's mini-config): the configuration comes from the home cluster's TFTP, first
        // the default server, then the backup; the phone then registers to the home CallManager it names.
        Report($"EMCC mode: home TFTP {emcc.HomeTftp1}{(emcc.HomeTftp2 is null ? string.Empty : " / " + emcc.HomeTftp2)}");
        PhoneException? failure = null;
        foreach (var server in new[] { emcc.HomeTftp1, emcc.HomeTftp2 }.OfType<string>())
        {
            try
            {
                return await DownloadConfigAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{server}/{DeviceName.ConfigFileName}")), cancellationToken);
            }
            catch (PhoneException ex)
            {
                failure = ex;
            }
        }

        throw failure ?? new PhoneException("EMCC mode without a home TFTP server.");
    }

    private async Task<PhoneConfigFile> DownloadConfigAsync(Uri url, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            using var response = await _http.GetAsync(url, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new PhoneException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new PhoneException($"Cannot download {url}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PhoneException($"Downloading {url} timed out.", ex);
        }

        var parsed = PhoneConfigXml.Parse(body);
        if (!parsed.IsSuccess)
        {
            throw new PhoneException($"{url} is not a valid configuration file: {parsed.Error}");
        }

        Report($"downloaded {DeviceName.ConfigFileName} (versionStamp {parsed.Value.VersionStamp})");
        return parsed.Value;
    }

    private async Task<(SipDestination Destination, string Host)> ResolveRegistrarAsync(PhoneConfigFile config, CancellationToken cancellationToken)
    {
        if (_options.Registrar is { } fixedRegistrar)
        {
            return (new SipDestination(_options.Transport, fixedRegistrar), fixedRegistrar.Address.ToString());
        }

        // The primary CallManager of the device pool's group (priority 0), as the phone's line proxy USECALLMANAGER says.
        var member = config.DevicePool.CallManagerGroup.Members.OrderBy(m => m.Priority).FirstOrDefault();
        var host = member?.ProcessNodeName ?? _options.Cluster;
        var port = member?.Ports.SipPort ?? SipTransportKinds.DefaultPort;
        if (!IPAddress.TryParse(host, out var address))
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            address = addresses.FirstOrDefault(a => a.AddressFamily == _options.LocalAddress.AddressFamily)
                ?? throw new PhoneException($"The CallManager '{host}' has no address the phone can reach.");
        }

        return (new SipDestination(_options.Transport, new IPEndPoint(address, port)), host);
    }

    /// <summary>Sends REGISTER for one line (<paramref name="expires"/> 0 unregisters) and records the answer; retries once after 423.</summary>
    private async Task RegisterAsync(LineState line, int expires, CancellationToken cancellationToken)
    {
        if (_layer is not { } layer || _registrar is not { } registrar)
        {
            return;
        }

        var answered = line.AnswerCount;
        try
        {
            await RegisterCoreAsync(layer, registrar, line, expires, cancellationToken);
        }
        finally
        {
            if (line.AnswerCount != answered)
            {
                LineChanged?.Invoke(this, line.Snapshot());
            }
        }
    }

    private async Task RegisterCoreAsync(SipTransactionLayer layer, SipDestination registrar, LineState line, int expires, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var request = CreateRegister(line, expires);
            SipClientTransaction transaction;
            try
            {
                transaction = layer.SendRequest(request, registrar);
            }
            catch (InvalidOperationException)
            {
                // The phone is being disposed.
                return;
            }

            await Task.WhenAny(transaction.FinalResponse, transaction.Completion).WaitAsync(cancellationToken);
            if (!transaction.FinalResponse.IsCompletedSuccessfully)
            {
                line.Answered(expires > 0 ? false : null, 0, "no answer", null);
                return;
            }

            var response = await transaction.FinalResponse;
            if (response.StatusCode == 423 && attempt == 0 && expires > 0 && response.MinExpires is { } minimum)
            {
                // Interval Too Brief: ask again for what the registrar accepts (RFC 3261 §10.2.8).
                expires = (int)Math.Min(minimum, int.MaxValue);
                continue;
            }

            if (!response.IsSuccess)
            {
                line.Answered(expires > 0 ? false : null, response.StatusCode, response.ReasonPhrase, null);
                Report($"line {line.Dn}: REGISTER answered {response.StatusCode} {response.ReasonPhrase}");
                return;
            }

            if (expires == 0)
            {
                line.Answered(false, response.StatusCode, response.ReasonPhrase, null);
                return;
            }

            var granted = response.Contacts.FirstOrDefault(c => !c.IsWildcard && c.Uri.Equals(line.Contact))?.Expires
                ?? response.Expires
                ?? (uint)expires;
            var now = _options.TimeProvider.GetUtcNow();
            line.Answered(true, response.StatusCode, response.ReasonPhrase, now.AddSeconds(granted));
            ScheduleRefresh(line, TimeSpan.FromSeconds(Math.Max(1, granted / 2.0)));
            return;
        }
    }

    private void ScheduleRefresh(LineState line, TimeSpan due)
    {
        line.SetRefresh(_options.TimeProvider.CreateTimer(
            _ => Track(Task.Run(() => RefreshAsync(line), CancellationToken.None)),
            null,
            due,
            Timeout.InfiniteTimeSpan));
    }

    private async Task RefreshAsync(LineState line)
    {
        var token = _stopping.Token;
        await _syncGate.WaitAsync(token);
        try
        {
            bool current;
            lock (_gate)
            {
                current = _lines.Contains(line);
            }

            if (current && line.IsRegistered)
            {
                await RegisterAsync(line, _options.RegisterExpires, token);
            }
        }
        finally
        {
            _syncGate.Release();
        }
    }

    private SipRequest CreateRegister(LineState line, int expires)
    {
        var transport = _transport!;
        var host = _registrarHost;
        var registrarPort = _registrar!.EndPoint.Port;
        var aor = SipUri.CreateSip(line.Dn, host);
        line.Contact ??= SipUri.CreateSip(line.Dn, transport.AdvertisedHost, transport.AdvertisedPort)
            .WithParameter("transport", transport.Kind.ToViaTransport().ToLowerInvariant());
        var request = new SipRequest(SipMethods.Register, SipUri.CreateSip(null, host, registrarPort == SipTransportKinds.DefaultPort ? null : registrarPort));
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, new SipNameAddress(aor, line.DisplayName).WithTag(line.FromTag).ToString());
        request.Headers.Add(SipHeaderNames.To, new SipNameAddress(aor, line.DisplayName).ToString());
        request.Headers.Add(SipHeaderNames.CallId, line.CallId);
        request.Headers.Add(SipHeaderNames.CSeq, line.NextCSeq().ToString(CultureInfo.InvariantCulture) + " " + SipMethods.Register);
        request.Headers.Add(SipHeaderNames.Contact, "<" + line.Contact + ">;+sip.instance=\"" + DeviceName.InstanceId + "\"");
        request.Headers.Add(SipHeaderNames.Expires, expires.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SipHeaderNames.UserAgent, UserAgentName);
        request.Headers.Add(SipHeaderNames.Allow, AllowHeader);
        request.Headers.Add(SipHeaderNames.ContentLength, "0");
        return request;
    }

    private async Task<PhoneScreen> SubmitAsync(CancellationToken cancellationToken)
    {
        var screen = Screen;
        if (screen is not { Kind: PhoneScreenKind.Input, SubmitUrl: { } url })
        {
            throw new InvalidOperationException("No form is shown.");
        }

        var query = new StringBuilder(url);
        var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var field in screen.Fields)
        {
            query.Append(separator).Append(field.Name).Append('=').Append(Uri.EscapeDataString(field.Value));
            separator = '&';
        }

        return await NavigateAsync(query.ToString(), screen.Source, cancellationToken);
    }

    /// <summary>GETs a service URL as the phone does and shows what comes back (an error screen for HTTP or XML errors).</summary>
    private async Task<PhoneScreen> NavigateAsync(string url, Uri? relativeTo, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) && (relativeTo is null || !Uri.TryCreate(relativeTo, url, out target)))
        {
            throw new ArgumentException($"'{url}' is not a URL the phone can open.", nameof(url));
        }

        PhoneScreen screen;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("x-CiscoIPPhone/*"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/*"));
            request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
            request.Headers.TryAddWithoutValidation("x-CiscoIPPhoneModelName", "CP-8845");
            using var response = await _http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                screen = PhoneScreen.Error(string.Create(CultureInfo.InvariantCulture, $"HTTP Error [{(int)response.StatusCode}]"), target);
            }
            else
            {
                var parsed = CiscoIpPhoneXml.Parse(body);
                screen = parsed.IsSuccess ? PhoneScreen.From(parsed.Value, target) : PhoneScreen.Error("XML Error: " + parsed.Error, target);
            }
        }
        catch (HttpRequestException ex)
        {
            screen = PhoneScreen.Error("Host not found: " + ex.Message, target);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            screen = PhoneScreen.Error("HTTP timeout", target);
        }

        lock (_gate)
        {
            _screen = screen;
        }

        return screen;
    }

    private async Task OnCheckSyncAsync()
    {
        try
        {
            await ResyncAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Switched off meanwhile.
        }
        catch (PhoneException ex)
        {
            Report("re-sync failed: " + ex.Message);
        }
    }

    /// <summary>One line's registration: its dialog-like identifiers (one Call-ID per registration cycle) and refresh timer.</summary>
    private sealed class LineState(SipLine line, int defaultMaxCalls)
    {
        private readonly Lock _gate = new();
        private uint _cseq;
        private ITimer? _refresh;
        private bool _registered;
        private int _status;
        private string? _reason;
        private DateTimeOffset? _expiresAt;
        private int _answers;

        public string Dn { get; } = line.Name;

        public string? DisplayName { get; } = line.DisplayName;

        /// <summary>The configuration's lineIndex (1-based): what <see cref="PlaceCallAsync"/> names a line by.</summary>
        public int LineIndex { get; } = line.LineIndex;

        /// <summary>
        /// How many calls the line takes before a new one gets 486: the configuration's busyTrigger or maxNumCalls
        /// (the smaller), else the phone's default.
        /// </summary>
        public int MaxCalls { get; } = Math.Max(1, new[] { line.BusyTrigger, line.MaxNumCalls }.Where(v => v is > 0).Min() ?? defaultMaxCalls);

        public string CallId { get; } = Guid.NewGuid().ToString("N");

        public string FromTag { get; } = SipResponseFactory.CreateTag();

        public SipUri? Contact { get; set; }

        public bool IsRegistered
        {
            get
            {
                lock (_gate)
                {
                    return _registered;
                }
            }
        }

        public uint NextCSeq() => Interlocked.Increment(ref _cseq);

        /// <summary>How many answers were recorded (tells a caller whether a REGISTER got one).</summary>
        public int AnswerCount
        {
            get
            {
                lock (_gate)
                {
                    return _answers;
                }
            }
        }

        /// <summary>Records an answer; <paramref name="registered"/> null keeps the registered flag (a failed unregister).</summary>
        public void Answered(bool? registered, int status, string? reason, DateTimeOffset? expiresAt)
        {
            lock (_gate)
            {
                _answers++;
                _registered = registered ?? _registered;
                _status = status;
                _reason = reason;
                _expiresAt = registered == true ? expiresAt : null;
            }
        }

        public void SetRefresh(ITimer timer)
        {
            lock (_gate)
            {
                _refresh?.Dispose();
                _refresh = timer;
            }
        }

        public void StopRefresh()
        {
            lock (_gate)
            {
                _refresh?.Dispose();
                _refresh = null;
            }
        }

        public PhoneLine Snapshot()
        {
            lock (_gate)
            {
                return new PhoneLine(Dn, DisplayName, _registered, _status, _reason, _expiresAt);
            }
        }
    }

    /// <summary>The phone's SIP user agent core: check-sync, OPTIONS, calls (INVITE, ACK, BYE, CANCEL) and refusals.</summary>
    private sealed class UserAgent(CiscoLikePhone phone) : ISipTransactionUser
    {
        public void OnRequest(SipServerTransaction transaction)
        {
            var request = transaction.Request;
            switch (request.Method)
            {
                case SipMethods.Notify when string.Equals(request.Event?.Package, "check-sync", StringComparison.OrdinalIgnoreCase):
                    if (phone.RegistrarEndPoint is { } registrar && !registrar.Address.Equals(transaction.Source.RemoteEndPoint.Address))
                    {
                        // Only the phone's own CallManager may restart it.
                        transaction.SendResponse(transaction.CreateResponse(403, "Not From My CallManager"));
                        phone.Report($"ignored check-sync from {transaction.Source.RemoteEndPoint}");
                        return;
                    }

                    transaction.SendResponse(transaction.CreateResponse(200));
                    phone.Report($"check-sync from {transaction.Source.RemoteEndPoint}: re-syncing");
                    phone.Track(Task.Run(phone.OnCheckSyncAsync, CancellationToken.None));
                    break;
                case not (SipMethods.Cancel or SipMethods.Register) when request.To?.Tag is not null:
                    phone.OnDialogRequest(transaction);
                    break;
                case SipMethods.Notify:
                    transaction.SendResponse(transaction.CreateResponse(489));
                    break;
                case SipMethods.Options:
                    var ok = transaction.CreateResponse(200);
                    ok.Headers.Add(SipHeaderNames.Allow, AllowHeader);
                    transaction.SendResponse(ok);
                    break;
                case SipMethods.Invite:
                    phone.OnInvite(transaction);
                    break;
                case SipMethods.Bye or SipMethods.Cancel:
                    // A BYE without To tag, or a CANCEL matching no INVITE (§9.2, §15.1.2).
                    transaction.SendResponse(transaction.CreateResponse(481));
                    break;
                default:
                    var refused = transaction.CreateResponse(405);
                    refused.Headers.Add(SipHeaderNames.Allow, AllowHeader);
                    transaction.SendResponse(refused);
                    break;
            }
        }

        public void OnAck(SipReceivedMessage ack) => phone.OnAckReceived(ack);

        public void OnStrayResponse(SipReceivedMessage response) => phone.OnStrayResponseReceived(response);
    }
}
