using Microsoft.Extensions.Options;

namespace BankLink.Data.Operations.FourEyes;

/// <summary>
/// <c>BankLink:Operators</c>: the operator actions that need a second operator's approval (<c>FourEyes</c>, a list of
/// <see cref="OperatorActionNames"/>, or one comma-separated value). Left unset or empty, it is
/// <see cref="DefaultActions"/>. An empty value therefore never switches four-eyes off by accident. A bank that
/// wants no four-eyes at all sets the single entry <c>none</c>.
/// </summary>
public sealed class FourEyesOptions
{
    public const string SectionName = "BankLink:Operators";

    public const string None = "none";

    /// <summary>Suspending a provider kills every token of it; revoking all of a customer's links cannot be undone by the bank.</summary>
    public static IReadOnlyList<string> DefaultActions { get; } = [OperatorActionNames.ProviderSuspend, OperatorActionNames.RevokeAllLinks];

    /// <summary>Null or empty means "not configured": <see cref="DefaultActions"/>.</summary>
    public IReadOnlyList<string>? FourEyes { get; set; }

    /// <summary>The actions that need four eyes, after the default and <see cref="None"/> are applied.</summary>
    public IReadOnlySet<string> EffectiveActions() =>
        FourEyes is null or { Count: 0 } ? DefaultActions.ToHashSet(StringComparer.Ordinal)
        : IsNone ? new HashSet<string>(StringComparer.Ordinal)
        : FourEyes.Select(a => a.Trim()).ToHashSet(StringComparer.Ordinal);

    private bool IsNone => FourEyes is { Count: 1 } && FourEyes[0].Trim() == None;

    /// <summary>Fails at startup on a name that is no operator action (a typo would silently leave that action without four eyes).</summary>
    public IEnumerable<string> Problems()
    {
        if (FourEyes is null or { Count: 0 } || IsNone)
        {
            yield break;
        }

        foreach (var action in FourEyes.Where(a => !OperatorActionNames.IsKnown(a?.Trim())))
        {
            yield return $"{SectionName}:FourEyes names '{action}', which is no operator action (known: {string.Join(", ", OperatorActionNames.All)}; or the single entry '{None}').";
        }
    }
}

/// <summary>
/// Which operator actions go through <see cref="FourEyesQueue"/>. The executing layer (admin API, console, commands)
/// asks <see cref="Requires"/> before it runs a mutating action: when true it calls <see cref="FourEyesQueue.RequestAsync"/>
/// instead, and runs the stored payload once another operator approved it.
/// </summary>
public sealed class FourEyesPolicy(IOptions<FourEyesOptions> options)
{
    private readonly IReadOnlySet<string> _actions = options.Value.EffectiveActions();

    public IReadOnlySet<string> Actions => _actions;

    public bool Requires(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return _actions.Contains(action);
    }
}
