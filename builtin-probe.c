// SPDX-License-Identifier: GPL-2.0
/* lkvm probe: can this host run lkvm guests, and if not, why not. */
#include <stdio.h>

#include "lkvm/builtin.h"
#include "lkvm/kvm.h"
#include "lkvm/util.h"

int cmd_probe(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : KVM_DEV_PATH;
	struct kvm_caps caps;
	char text[2048], why[256];

	if (kvm__read_caps(dev, &caps)) {
		fprintf(stderr, "lkvm probe: %s\n", lkvm__last_error());
		return EXIT_SETUP;
	}
	kvm_caps__describe(&caps, text, sizeof(text));
	fputs(text, stdout);
	if (!kvm_caps__verdict(&caps, why, sizeof(why))) {
		printf("verdict:             cannot run lkvm guests: %s\n", why);
		return EXIT_SETUP;
	}
	printf("verdict:             can run lkvm guests (KVM-HV, radix MMU)\n");
	return 0;
}
