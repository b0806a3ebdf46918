# guest side of console-input: read one line from the console (hvc0)
if read -r line; then
	echo "GUEST-READ <$line>"
else
	echo "GUEST-READ-FAILED"
fi
