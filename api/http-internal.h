/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_API_HTTP_INTERNAL_H
#define LKVM_API_HTTP_INTERNAL_H

/*
 * http-parser (Debian's libhttp-parser 2.9) names its method enum
 * "enum http_method", the name lkvm/http.h gives lkvm's three methods, so
 * the tag is renamed while its header is read. Only the tag: its
 * constants (HTTP_GET, ...) and lkvm's (HTTP_METHOD_GET, ...) differ, and
 * an enum is passed as an int either way.
 */
#define http_method http_parser_method
#include <http_parser.h>
#undef http_method

#include "lkvm/http.h"

#endif
