# guest side of rootfs-labels: what ndctl makes of the labels lkvm wrote
ndctl list -N -v
ndctl list -R
ndctl check-labels nmem0 && echo GUEST-CHECK-LABELS-OK
ndctl read-labels -j nmem0
