/*
 * postmortem.h: an incident's postmortem draft as a document (see
 * core/postmortem.h for what it says).
 */
#ifndef SITREP_EXPORT_POSTMORTEM_H
#define SITREP_EXPORT_POSTMORTEM_H

#include "base/buf.h"
#include "export/export.h"

struct postmortem;

/* The JSON schema's name; bumped on any incompatible change. */
#define EXPORT_POSTMORTEM_SCHEMA	"sitrep.postmortem/1"

/*
 * Append the draft in format f (markdown, json or html) to out.  -1 and
 * *cause for another format.
 */
int	export_postmortem(const struct postmortem *, enum export_format f,
	    struct buf *out, char **cause);

#endif
