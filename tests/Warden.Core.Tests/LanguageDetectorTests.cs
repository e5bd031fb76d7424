using System.IO.Compression;
using System.Text.Json;
using Warden.Languages;

namespace Warden.Core.Tests;

/// <summary>
/// Language detection: shebang, then file name, then content. A confident answer must be right;
/// anything unclear is refused with the candidates (never a guess).
/// </summary>
public sealed class LanguageDetectorTests
{
    private static readonly IReadOnlyList<LanguageDefinition> Languages = LanguageRegistry.BuiltIn();

    private static LanguageDetection Detect(string code, string? name = null) => LanguageDetector.Detect(code, name, Languages);

    [Theory]
    [InlineData("#!/usr/bin/env python3\nprint(1)\n", "python")]
    [InlineData("#!/usr/bin/python3.11\nx = 1\n", "python")]
    [InlineData("#!/usr/bin/env -S python3 -u\nx = 1\n", "python")]
    [InlineData("#!/bin/bash\nx = 1\n", "bash")]
    [InlineData("#!/usr/bin/env bash\necho hi\n", "bash")]
    [InlineData("#!/bin/sh\necho hi\n", "sh")]
    [InlineData("#!/bin/dash\necho hi\n", "sh")]
    [InlineData("#!/usr/bin/env node\nconsole.log(1)\n", "javascript")]
    [InlineData("#!/usr/bin/nodejs\nx = 1\n", "javascript")]
    public void Shebang_NamesTheInterpreter(string code, string language)
    {
        var d = Detect(code, "script");
        Assert.Equal(language, d.Language?.Id);
        Assert.Equal("shebang", d.Source);
    }

    [Fact]
    public void Shebang_WinsOverTheFileName() => Assert.Equal("bash", Detect("#!/bin/bash\necho $((1+1))\n", "run.sh").Language?.Id);

    [Theory]
    [InlineData("#!/usr/bin/perl\nprint \"hi\\n\";\n", "perl")]
    [InlineData("#!/usr/bin/env ruby\nputs 1\n", "ruby")]
    [InlineData("#!/bin/zsh\necho hi\n", "zsh")]
    public void Shebang_OfALanguageWardenDoesNotRun_IsRefusedNotGuessed(string code, string interpreter)
    {
        var d = Detect(code);
        Assert.Null(d.Language);
        Assert.True(d.Unsupported);
        Assert.Empty(d.Candidates);
        Assert.Contains(interpreter, d.Reason);
    }

    [Theory]
    [InlineData("solve.py", "x = 1", "python")]
    [InlineData("a/b/main.cpp", "x = 1", "cpp")]
    [InlineData("Main.java", "x = 1", "java")]
    [InlineData("tool.sh", "echo hi", "sh")]
    [InlineData("lib.mjs", "x = 1", "javascript")]
    [InlineData("prog.rs", "x = 1", "rust")]
    public void FileName_ExtensionPicksTheLanguage(string name, string code, string language)
    {
        var d = Detect(code, name);
        Assert.Equal(language, d.Language?.Id);
        Assert.Equal("filename", d.Source);
    }

    [Theory]
    [InlineData("app.ts", "const x: number = 1; console.log(x)")]
    [InlineData("x.rb", "print(1)")]
    [InlineData("x.php", "<?php echo 1;")]
    public void FileName_OfALanguageWardenDoesNotRun_IsRefused(string name, string code)
    {
        var d = Detect(code, name);
        Assert.Null(d.Language);
        Assert.True(d.Unsupported);
        Assert.Contains(Path.GetExtension(name), d.Reason);
    }

    [Theory]
    // Python
    [InlineData("print(1)", "python")]
    [InlineData("print('hello, world')\n", "python")]
    [InlineData("import sys\nfor line in sys.stdin:\n    print(line.strip().upper())\n", "python")]
    [InlineData("def add(a, b):\n    return a + b\n\nprint(add(2, 3))\n", "python")]
    [InlineData("import numpy as np\nprint(np.arange(3).sum())\n", "python")]
    [InlineData("class Stack:\n    def __init__(self):\n        self.items = []\n", "python")]
    [InlineData("x = [i * i for i in range(10)]\nprint(sum(x))\n", "python")]
    // JavaScript
    [InlineData("console.log(6 * 7)", "javascript")]
    [InlineData("const fs = require('fs');\nconst data = fs.readFileSync(0, 'utf8');\nconsole.log(data.length);\n", "javascript")]
    [InlineData("const add = (a, b) => a + b;\nconsole.log(add(2, 3));\n", "javascript")]
    [InlineData("function fib(n) {\n  return n < 2 ? n : fib(n - 1) + fib(n - 2);\n}\nconsole.log(fib(10));\n", "javascript")]
    [InlineData("let total = 0;\nfor (const x of [1, 2, 3]) total += x;\nprocess.stdout.write(String(total));\n", "javascript")]
    // Shell: bash runs POSIX sh too
    [InlineData("echo hello", "bash")]
    [InlineData("ls -la /workspace", "bash")]
    [InlineData("for i in 1 2 3; do\n  echo $i\ndone\n", "bash")]
    [InlineData("if [ -f /etc/passwd ]; then\n  echo yes\nfi\n", "bash")]
    [InlineData("name=world\necho \"hello $name\"\n", "bash")]
    [InlineData("cat /etc/os-release | grep NAME", "bash")]
    [InlineData(":(){ :|:& };:", "bash")]
    // C and C++
    [InlineData("#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); return 0; }\n", "c")]
    [InlineData("#include <stdlib.h>\n#include <string.h>\nint main() { char *s = malloc(8); strcpy(s, \"x\"); puts(s); free(s); return 0; }\n", "c")]
    [InlineData("#include <iostream>\nint main() { std::cout << 42 << std::endl; }\n", "cpp")]
    [InlineData("#include <bits/stdc++.h>\nusing namespace std;\nint main() { vector<int> v{1,2}; cout << v.size(); }\n", "cpp")]
    // Java, C#, Go, Rust
    [InlineData("public class Main {\n  public static void main(String[] args) {\n    System.out.println(42);\n  }\n}\n", "java")]
    [InlineData("using System;\nclass P { static void Main() { Console.WriteLine(42); } }\n", "csharp")]
    [InlineData("System.Console.WriteLine(6 * 7);", "csharp")]
    [InlineData("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(42)\n}\n", "go")]
    [InlineData("fn main() {\n    let mut v = Vec::new();\n    v.push(1);\n    println!(\"{}\", v.len());\n}\n", "rust")]
    public void Content_ClearSnippets_AreDetected(string code, string language)
    {
        var d = Detect(code);
        Assert.True(d.Language?.Id == language, $"expected {language}, got {d.Language?.Id ?? "refused"}: {d.Reason} scores {Scores(code)}");
        Assert.Equal("content", d.Source);
    }

    [Theory]
    // Valid Python and valid JavaScript (and the shell would run something else): refused.
    [InlineData("x = 1", new[] { "javascript", "python" })]
    [InlineData("x = 1\ny = x + 2\n", new[] { "javascript", "python" })]
    // Valid shell assignment and valid Python: refused.
    [InlineData("x=1", new[] { "bash", "javascript", "python" })]
    public void Content_ValidInSeveralLanguages_IsRefusedWithTheCandidates(string code, string[] candidates)
    {
        var d = Detect(code);
        Assert.True(d.Language is null, $"guessed {d.Language?.Id}; scores {Scores(code)}");
        Assert.Equal(candidates.Order(), d.Candidates.Order());
        Assert.Contains(" or ", d.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("42")]
    [InlineData("hello world")]
    public void Content_WithNoSignal_IsRefused(string code)
    {
        var d = Detect(code);
        Assert.Null(d.Language);
        Assert.False(d.Unsupported);
        Assert.NotNull(d.Reason);
    }

    [Fact]
    public void Content_EveryHumanEvalPrompt_IsPython()
    {
        var prompts = HumanEvalPrompts();
        Assert.Equal(164, prompts.Count);
        var wrong = prompts.Where(p => Detect(p.Prompt).Language?.Id != "python").Select(p => $"{p.Id}: {Detect(p.Prompt).Reason} {Scores(p.Prompt)}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        // The prompt with its canonical solution too.
        var whole = prompts.Where(p => Detect(p.Prompt + p.Solution).Language?.Id != "python").Select(p => p.Id).ToList();
        Assert.True(whole.Count == 0, string.Join(", ", whole));
    }

    [Fact]
    public void Content_IsBoundedOnHugeInput()
    {
        var code = "print(1)\n" + new string('x', 20 << 20);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("python", Detect(code).Language?.Id);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("auto")]
    [InlineData(" AUTO ")]
    public void IsAuto_AbsentEmptyOrAuto(string? language) => Assert.True(LanguageDetector.IsAuto(language));

    [Fact]
    public void IsAuto_NotForANamedLanguage() => Assert.False(LanguageDetector.IsAuto("python"));

    private static string Scores(string code) => string.Join(" ", ContentClassifier.Score(code).Select(s => $"{s.Language}={s.Score}"));

    private static List<(string Id, string Prompt, string Solution)> HumanEvalPrompts()
    {
        using var gz = new GZipStream(File.OpenRead(HumanEvalPath()), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var list = new List<(string, string, string)>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            list.Add((root.GetProperty("task_id").GetString()!, root.GetProperty("prompt").GetString()!, root.GetProperty("canonical_solution").GetString()!));
        }
        return list;
    }

    /// <summary>The HumanEval copy committed under tests/data/ (MIT licence beside it).</summary>
    private static string HumanEvalPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var committed = Path.Combine(dir.FullName, "tests", "data", "HumanEval.jsonl.gz");
            if (File.Exists(committed)) return committed;
        }
        throw new FileNotFoundException("tests/data/HumanEval.jsonl.gz not found above " + AppContext.BaseDirectory);
    }
}
