# a guest that takes the host's power-off request and does nothing about
# it: its poweroff_cmd succeeds without powering off
echo /bin/true > /proc/sys/kernel/poweroff_cmd
echo GUEST-UP
sleep 600
