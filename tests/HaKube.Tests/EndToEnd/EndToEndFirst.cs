namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Puts this namespace, whose fixtures are the suite's longest (minutes each, one converged lab
/// cluster apiece), at the head of the run: NUnit hands fixtures to its workers namespace by
/// namespace, in order, and these otherwise started about 110 s in, behind the unit tests, which
/// then left workers idle at the end while the last long fixture ran. Holds no set-up of its own.
/// </summary>
[SetUpFixture]
[Order(2)]
public sealed class EndToEndFirst;
