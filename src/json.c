/* Temporary: replaced by the JSON Lines writer. */
#include "config.h"
#include "imgid.h"
void
json_record(const struct result *r, struct buf *out)
{
	buf_printf(out, "{\"path\":\"%s\"}\n", r->name);
}
