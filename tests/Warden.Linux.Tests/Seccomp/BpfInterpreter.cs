using System.Buffers.Binary;
using Warden.Linux.Seccomp;

namespace Warden.Linux.Tests.Seccomp;

/// <summary>
/// A classic-BPF interpreter for the subset seccomp programs use, so the generated program can
/// be checked instruction by instruction against the kernel's semantics without loading it.
/// </summary>
internal static class BpfInterpreter
{
    public static uint Run(IReadOnlyList<BpfInstruction> program, uint arch, int nr, params ulong[] args)
    {
        var data = new byte[64];
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(0), nr);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), arch);
        for (var i = 0; i < args.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16 + (8 * i)), args[i]);
        uint acc = 0;
        var pc = 0;
        for (var steps = 0; steps < 10_000; steps++)
        {
            if (pc < 0 || pc >= program.Count) throw new InvalidOperationException($"pc {pc} out of program");
            var ins = program[pc];
            switch (ins.Code)
            {
                case BpfCompiler.LdAbsW:
                    if (ins.K % 4 != 0 || ins.K + 4 > data.Length) throw new InvalidOperationException("bad load");
                    acc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)ins.K));
                    pc++;
                    break;
                case BpfCompiler.AndK:
                    acc &= ins.K;
                    pc++;
                    break;
                case BpfCompiler.JeqK:
                    pc += 1 + (acc == ins.K ? ins.Jt : ins.Jf);
                    break;
                case BpfCompiler.JgeK:
                    pc += 1 + (acc >= ins.K ? ins.Jt : ins.Jf);
                    break;
                case BpfCompiler.JsetK:
                    pc += 1 + ((acc & ins.K) != 0 ? ins.Jt : ins.Jf);
                    break;
                case BpfCompiler.RetK:
                    return ins.K;
                default:
                    throw new InvalidOperationException($"unknown opcode {ins.Code:x}");
            }
        }
        throw new InvalidOperationException("program did not return");
    }
}
