using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Engagement.Messaging.Delivery;
using Engagement.ServiceDefaults;

namespace Engagement.Messaging.Subscriptions;

/// <summary>What an unsubscribe link says once its signature and expiry have been checked.</summary>
public sealed record UnsubscribeLink(string SubscriberId, string Channel, DateTimeOffset Expires);

/// <summary>What an email verification link says; <see cref="LinkTokens.IsFor"/> checks it names the address on file.</summary>
public sealed record VerificationLink(string SubscriberId, DateTimeOffset Expires, string Binding);

/// <summary>
/// Signed links that work without a login: one-click unsubscribe (in every email and SMS) and email verification.
/// <para>
/// A token is base64url of <c>version, purpose, channel, expiry (unix seconds), [email binding], subscriber id</c> followed
/// by a 128-bit HMAC-SHA256 tag over all of it. It is binary rather than JSON because it rides in every SMS, where each
/// character costs. A verification token carries a keyed hash of the address, never the address: the link ends up in
/// logs and browser histories, and it must stop working once the resident changes the address.
/// </para>
/// <para>
/// The key is <c>Messaging:LinkKey</c> (base64, at least 32 bytes) when set, otherwise derived with HKDF-SHA256 (info
/// <c>engage-links</c>) from the auth signing key, so a local stack needs no extra secret. Rotating the key invalidates
/// every link already sent, which is why production should set its own.
/// </para>
/// </summary>
public sealed class LinkTokens
{
    public const string All = "all";
    public static readonly TimeSpan UnsubscribeLifetime = TimeSpan.FromDays(365);
    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromHours(48);
    public const string UnsubscribePath = "/api/messaging/unsubscribe";
    public const string VerifyEmailPath = "/api/messaging/subscriptions/verify-email";

    private const byte Version = 1;
    private const byte PurposeUnsubscribe = 1;
    private const byte PurposeVerifyEmail = 2;
    private const int TagSize = 16;
    private const int BindingSize = 12;
    private const int HeaderSize = 7;

    private static readonly string[] Channels = [All, Channel.Email, Channel.Sms];

    private readonly Lazy<byte[]> _key;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _clock;

    public LinkTokens(IConfiguration configuration, TimeProvider clock)
    {
        _configuration = configuration;
        _clock = clock;
        _key = new Lazy<byte[]>(() => LoadKey(configuration));
    }

    private string BaseUrl => (_configuration["Messaging:PublicBaseUrl"] ?? "http://127.0.0.1:8080").TrimEnd('/');

    /// <summary>Absolute one-click unsubscribe link for <paramref name="channel"/>: <c>email</c>, <c>sms</c> or <c>all</c>.</summary>
    public string UnsubscribeUrl(string subscriberId, string channel) =>
        $"{BaseUrl}{UnsubscribePath}?token={UnsubscribeToken(subscriberId, channel)}";

    public string UnsubscribeToken(string subscriberId, string channel)
    {
        var c = Array.IndexOf(Channels, channel);
        if (c < 0)
        {
            throw new ArgumentException($"An unsubscribe link is for '{All}', '{Channel.Email}' or '{Channel.Sms}', not '{channel}'.", nameof(channel));
        }

        return Sign(PurposeUnsubscribe, (byte)c, _clock.GetUtcNow() + UnsubscribeLifetime, [], subscriberId);
    }

    /// <summary>
    /// The headers of RFC 2369 and RFC 8058 for an email to this subscriber: mail clients show an unsubscribe button that
    /// POSTs <c>List-Unsubscribe=One-Click</c> to the link, which stops email only.
    /// </summary>
    public IReadOnlyDictionary<string, string> EmailHeaders(string subscriberId) => new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["List-Unsubscribe"] = $"<{UnsubscribeUrl(subscriberId, Channel.Email)}>",
        ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
    };

    /// <summary>Absolute link that verifies <paramref name="email"/> for this subscriber, for 48 hours.</summary>
    public string VerifyEmailUrl(string subscriberId, string email) =>
        $"{BaseUrl}{VerifyEmailPath}?token={VerifyEmailToken(subscriberId, email)}";

    public string VerifyEmailToken(string subscriberId, string email) =>
        Sign(PurposeVerifyEmail, (byte)Array.IndexOf(Channels, Channel.Email), _clock.GetUtcNow() + VerificationLifetime, BindingBytes(email), subscriberId);

    /// <summary>Reads an unsubscribe token; a missing, tampered or expired one is a 400 problem naming <c>token</c>.</summary>
    public UnsubscribeLink ReadUnsubscribe(string? token)
    {
        var (channel, expires, _, subscriberId) = Read(token, PurposeUnsubscribe);
        return new UnsubscribeLink(subscriberId, Channels[channel], expires);
    }

    /// <summary>Reads a verification token; a missing, tampered or expired one is a 400 problem naming <c>token</c>.</summary>
    public VerificationLink ReadVerification(string? token)
    {
        var (_, expires, binding, subscriberId) = Read(token, PurposeVerifyEmail);
        return new VerificationLink(subscriberId, expires, Convert.ToHexString(binding));
    }

    /// <summary>Whether a verification link was issued for this address (compared without regard to case).</summary>
    public bool IsFor(VerificationLink link, string email)
    {
        ArgumentNullException.ThrowIfNull(link);
        return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(link.Binding), BindingBytes(email));
    }

    private byte[] BindingBytes(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var mac = HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes("email-binding\n" + email.Trim().ToUpperInvariant()));
        return mac[..BindingSize];
    }

    private string Sign(byte purpose, byte channel, DateTimeOffset expires, byte[] binding, string subscriberId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscriberId);
        var sub = Encoding.UTF8.GetBytes(subscriberId);
        var body = new byte[HeaderSize + binding.Length + sub.Length];
        body[0] = Version;
        body[1] = purpose;
        body[2] = channel;
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(3), checked((uint)expires.ToUnixTimeSeconds()));
        binding.CopyTo(body, HeaderSize);
        sub.CopyTo(body, HeaderSize + binding.Length);
        var tag = HMACSHA256.HashData(_key.Value, body).AsSpan(0, TagSize);
        return Base64Url.EncodeToString([.. body, .. tag]);
    }

    private (int Channel, DateTimeOffset Expires, byte[] Binding, string SubscriberId) Read(string? token, byte purpose)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw Invalid("Required: the token from the link.");
        }

        byte[] raw;
        try
        {
            raw = Base64Url.DecodeFromChars(token.Trim());
        }
        catch (FormatException)
        {
            throw Invalid("The link is not complete or has been changed.");
        }

        var bindingSize = purpose == PurposeVerifyEmail ? BindingSize : 0;
        if (raw.Length < HeaderSize + bindingSize + 1 + TagSize)
        {
            throw Invalid("The link is not complete or has been changed.");
        }

        var body = raw.AsSpan(0, raw.Length - TagSize);
        var expected = HMACSHA256.HashData(_key.Value, body).AsSpan(0, TagSize);
        if (!CryptographicOperations.FixedTimeEquals(expected, raw.AsSpan(raw.Length - TagSize)))
        {
            throw Invalid("The link is not complete or has been changed.");
        }

        // Signed by us, so a wrong purpose is a link pasted into the wrong place, not an attack; still refused.
        if (body[0] != Version || body[1] != purpose || body[2] >= Channels.Length)
        {
            throw Invalid(purpose == PurposeVerifyEmail ? "This is not an email verification link." : "This is not an unsubscribe link.");
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32BigEndian(body[3..]));
        if (expires <= _clock.GetUtcNow())
        {
            throw new DomainException(StatusCodes.Status400BadRequest, "link-expired", "This link has expired.",
                purpose == PurposeVerifyEmail
                    ? "Verification links work for 48 hours. Save your email address again in your subscription to get a new one."
                    : "Use the unsubscribe link in a recent message, or sign in and change your subscription.",
                new Dictionary<string, string[]> { ["token"] = [$"Expired at {expires:O}."] });
        }

        var binding = body.Slice(HeaderSize, bindingSize).ToArray();
        return (body[2], expires, binding, Encoding.UTF8.GetString(body[(HeaderSize + bindingSize)..]));
    }

    private static DomainException Invalid(string message) =>
        new(StatusCodes.Status400BadRequest, "link-invalid", "This link is not valid.",
            "Use the whole link from the message; if it still fails, sign in and change your subscription there.",
            new Dictionary<string, string[]> { ["token"] = [message] });

    private static byte[] LoadKey(IConfiguration configuration)
    {
        var configured = configuration["Messaging:LinkKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var key = Convert.FromBase64String(configured);
            return key.Length >= 32 ? key : throw new InvalidOperationException("Messaging:LinkKey must be at least 32 bytes (base64).");
        }

        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, Auth.SigningKey(configuration).Key, 32, [], Encoding.UTF8.GetBytes("engage-links"));
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException("No key for signed links: set Messaging:LinkKey (base64, at least 32 bytes).", e);
        }
    }
}
