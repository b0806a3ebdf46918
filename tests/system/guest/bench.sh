# guest side of the boot benchmark: nothing; /init printed its marker
