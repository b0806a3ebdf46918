/* SPDX-License-Identifier: GPL-2.0 */
/* A failure with a one-line error that names the problem. Include after cmocka.h. */
#ifndef LKVM_TEST_EXPECT_ERROR_H
#define LKVM_TEST_EXPECT_ERROR_H

#include <string.h>

#include "lkvm/util.h"

static inline void expect_error(int ret, const char *fragment)
{
	assert_true(ret < 0);
	if (!strstr(lkvm__last_error(), fragment))
		fail_msg("error '%s' does not mention '%s'", lkvm__last_error(),
			 fragment);
	assert_null(strchr(lkvm__last_error(), '\n'));	/* one line */
}

#endif
