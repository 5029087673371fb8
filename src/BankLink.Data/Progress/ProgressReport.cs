namespace BankLink.Data;

/// <summary>A step of a long command (migration, bulk seeding): shown as a bar on a terminal, logged otherwise.</summary>
/// <param name="Phase">What is being done, in a few words.</param>
/// <param name="Done">Units done so far.</param>
/// <param name="Total">Units in all, or 0 when unknown.</param>
/// <param name="Unit">What is counted ("customers", "scripts").</param>
/// <param name="Extra">Secondary counts shown beside the bar ("12,345,678 transactions").</param>
public sealed record ProgressReport(string Phase, long Done, long Total, string Unit, string? Extra = null);
