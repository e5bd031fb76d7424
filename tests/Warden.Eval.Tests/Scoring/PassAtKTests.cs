using System.Numerics;
using Warden.Eval;

namespace Warden.Eval.Tests.Scoring;

public sealed class PassAtKTests
{
    [Theory]
    // 1 - C(199,100)/C(200,100) = 1 - 100/200
    [InlineData(200, 1, 100, 0.5)]
    // 1 - C(198,100)/C(200,100) = 1 - (100*99)/(200*199) = 29900/39800
    [InlineData(200, 2, 100, 29900.0 / 39800.0)]
    // 1 - C(3,2)/C(5,2) = 1 - 3/10
    [InlineData(5, 2, 2, 0.7)]
    // 1 - C(5,3)/C(10,3) = 1 - 10/120
    [InlineData(10, 5, 3, 110.0 / 120.0)]
    // pass@1 is the fraction correct
    [InlineData(10, 3, 1, 0.3)]
    [InlineData(200, 37, 1, 0.185)]
    public void PassAtK_MatchesHandComputedValue(int n, int c, int k, double expected) =>
        Assert.Equal(expected, PassAtK.Compute(n, c, k), 1e-12);

    [Fact]
    public void PassAtK_N200K100_MatchesHandComputedValue() =>
        Assert.Equal(0.5, PassAtK.Compute(200, 1, 100), 1e-15);

    [Fact]
    public void PassAtK_N200K100_WithHalfCorrect_IsOneWithinDoublePrecision() =>
        // 1 - 1/C(200,100), and C(200,100) is about 9e58.
        Assert.Equal(1.0, PassAtK.Compute(200, 100, 100), 1e-15);

    [Theory]
    [InlineData(200, 0, 100, 0.0)]
    [InlineData(200, 200, 100, 1.0)]
    [InlineData(200, 101, 100, 1.0)]
    [InlineData(1, 1, 1, 1.0)]
    [InlineData(1, 0, 1, 0.0)]
    public void PassAtK_Extremes_AreExact(int n, int c, int k, double expected) =>
        Assert.Equal(expected, PassAtK.Compute(n, c, k));

    [Theory]
    [InlineData(200, 3, 10)]
    [InlineData(200, 10, 100)]
    [InlineData(200, 50, 100)]
    [InlineData(200, 99, 100)]
    [InlineData(200, 150, 10)]
    [InlineData(164, 7, 100)]
    public void PassAtK_AgreesWithExactBinomialRatio(int n, int c, int k)
    {
        var ratio = (double)(Binomial(n - c, k) * BigInteger.Pow(10, 30) / Binomial(n, k)) / 1e30;
        Assert.Equal(1.0 - ratio, PassAtK.Compute(n, c, k), 1e-12);
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(10, 11, 1)]
    [InlineData(10, -1, 1)]
    [InlineData(10, 5, 0)]
    [InlineData(10, 5, 11)]
    public void PassAtK_OutOfRangeArguments_Throw(int n, int c, int k) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PassAtK.Compute(n, c, k));

    private static BigInteger Binomial(int n, int k)
    {
        if (k < 0 || k > n) return BigInteger.Zero;
        BigInteger r = BigInteger.One;
        for (var i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }
}
