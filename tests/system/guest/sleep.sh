# a guest that stays up until it is stopped
echo GUEST-UP
sleep 600
