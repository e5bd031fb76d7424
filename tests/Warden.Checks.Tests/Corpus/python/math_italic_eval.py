# expect: py.eval-dynamic
𝐞𝐯𝐚𝐥(input())
