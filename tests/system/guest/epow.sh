# guest side of epow: wait for the host's power-off request. Linux answers
# an EPOW event with orderly_poweroff(), which runs the kernel's
# poweroff_cmd (/sbin/poweroff, which this image lacks: the kernel would
# then force the power-off itself). Point it at a handler that says so
# and ends this script, so that /init shuts down as after any script.
cat > /tmp/epow-poweroff <<'HANDLER'
#!/bin/sh
echo "GUEST-EPOW poweroff_cmd ran" > /dev/console
kill "$(cat /tmp/epow-sleep.pid)"
HANDLER
chmod +x /tmp/epow-poweroff
echo /tmp/epow-poweroff > /proc/sys/kernel/poweroff_cmd
sleep 600 &
echo $! > /tmp/epow-sleep.pid
echo GUEST-UP
wait $!
echo "GUEST-MARKER orderly shutdown"
