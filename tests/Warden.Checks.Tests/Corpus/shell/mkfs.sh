# expect: sh.disk-write
mkfs.ext4 /dev/sdb1
