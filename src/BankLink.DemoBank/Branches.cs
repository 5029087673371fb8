namespace BankLink.DemoBank;

/// <summary>The demo bank's branches (店番 and name).</summary>
public static class Branches
{
    public static readonly IReadOnlyList<(string Code, string Name, string NameEn)> All =
    [
        ("001", "本店", "Head Office"),
        ("012", "新宿支店", "Shinjuku Branch"),
        ("025", "横浜支店", "Yokohama Branch"),
        ("031", "大宮支店", "Omiya Branch"),
        ("047", "千葉支店", "Chiba Branch"),
        ("058", "八王子支店", "Hachioji Branch"),
    ];
}
