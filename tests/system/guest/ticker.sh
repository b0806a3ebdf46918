# a guest that counts, ten times a second, until it is stopped: a pause
# shows as a gap in time, never as a gap in the numbers
echo GUEST-UP
n=0
while [ $n -lt 100000 ]; do
	n=$((n + 1))
	echo "TICK $n"
	usleep 100000
done
