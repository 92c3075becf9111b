/* Temporary: replaced by the seccomp filter. */
#include "config.h"
#include "imgid.h"
int
sandbox_enter(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}
