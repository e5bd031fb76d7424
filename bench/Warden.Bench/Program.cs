using Warden.Execution;
using Warden.Linux;

var runner = WardenEngine.CreateRunner();
var n = args.Length > 1 ? int.Parse(args[1]) : 50;
var fails = 0;
(string, string)[] progs = [("javascript", "console.log(6*7)"), ("cpp", "#include <iostream>\nint main(){ std::cout << 42 << std::endl; }"), ("bash", "echo $((6*7))"), ("c", "int main(){return 0;}"), ("sh", "echo ok"), ("java", "public class Main { public static void main(String[] a) { System.out.println(6 * 7); } }"), ("python", "print(1)")];
for (var i = 0; i < n; i++)
{
    var (lang, code) = progs[i % progs.Length];
    var r = await runner.RunAsync(new RunRequest { Language = lang, Code = code });
    if (r.Reason != RunReason.Exited) { fails++; Console.WriteLine($"{i} {lang}: {r.Reason} {r.Diagnostic} {r.Stderr} {r.Compile?.Diagnostic}"); }
}
Console.WriteLine($"fails {fails}/{n}");
