namespace Warden.Eval;

/// <summary>The unbiased pass@k estimator of the HumanEval paper (Chen et al., 2021).</summary>
public static class PassAtK
{
    /// <summary>
    /// The probability that at least one of <paramref name="k"/> samples drawn without
    /// replacement from <paramref name="n"/>, of which <paramref name="c"/> are correct, is
    /// correct: 1 - C(n-c, k) / C(n, k). Computed as 1 - prod_{i=n-c+1..n} (1 - k/i), which
    /// never forms a binomial coefficient and so never overflows (n = 200, k = 100 is exact
    /// to double precision).
    /// </summary>
    /// <param name="n">Samples of the task (at least 1).</param>
    /// <param name="c">Correct samples among them (0..n).</param>
    /// <param name="k">Samples drawn (1..n).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the ranges above.</exception>
    public static double Compute(int n, int c, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(c, n);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        if (n - c < k) return 1.0;
        var allWrong = 1.0;
        for (var i = n - c + 1; i <= n; i++)
            allWrong *= 1.0 - ((double)k / i);
        return 1.0 - allWrong;
    }
}
