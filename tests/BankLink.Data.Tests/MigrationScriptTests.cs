using BankLink.Data.Migrations;

namespace BankLink.Data.Tests;

public sealed class MigrationScriptTests
{
    [Fact]
    public void Embedded_VersionsStartAtOneAndHaveNoGaps()
    {
        var versions = MigrationScript.Embedded.Select(s => s.Version).ToList();

        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }

    [Fact]
    public void Embedded_EveryScriptCarriesSql()
    {
        Assert.All(MigrationScript.Embedded, s => Assert.False(string.IsNullOrWhiteSpace(s.Sql)));
    }

    [Theory]
    [InlineData("1_initial.sql")]
    [InlineData("0001-initial.sql")]
    [InlineData("0001_Initial.sql")]
    [InlineData("0001_initial.txt")]
    public void FromFileName_BadName_Refused(string fileName)
    {
        Assert.Throws<InvalidOperationException>(() => MigrationScript.FromFileName(fileName, "SELECT 1"));
    }

    [Fact]
    public void Checksum_IgnoresLineEndingsOnly()
    {
        Assert.Equal(new MigrationScript(1, "a", "x\ny").Checksum, new MigrationScript(1, "a", "x\r\ny").Checksum);
        Assert.NotEqual(new MigrationScript(1, "a", "x\ny").Checksum, new MigrationScript(1, "a", "x\n y").Checksum);
    }
}
