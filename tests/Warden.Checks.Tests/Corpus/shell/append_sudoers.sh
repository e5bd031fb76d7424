# expect: sh.system-write
echo 'x ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers
