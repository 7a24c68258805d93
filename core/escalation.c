/*
 * escalation.c: escalation policies, parsed from their text form and
 * asked how far an incident has gone (see escalation.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/xmalloc.h"
#include "core/conf.h"
#include "core/escalation.h"
#include "core/incident.h"

/* The built-in P0 policy. */
static const char escalation_p0[] =
    "0s automated response, 2m on-call engineer, 30m senior engineer, "
    "1h engineering manager, 2h executive";

/* Free the levels; out is empty after. */
void
escalation_done(struct escalation *e)
{
	size_t	i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].who);
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

/* Parse the text form. */
int
escalation_parse(const char *spec, struct escalation *out, char **cause)
{
	const char	*p = spec, *end, *sp;
	char		*item, *age, *why = NULL, *who;
	int64_t		 ms;
	size_t		 len, k = 0;

	out->v = NULL;
	out->n = 0;
	/* "none": this priority does not escalate. */
	if (strcmp(spec + strspn(spec, " \t"), "none") == 0)
		return 0;
	while (*p != '\0') {
		k++;
		p += strspn(p, " \t");
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		item = xstrndup(p, len);
		sp = strchr(item, ' ');
		age = sp != NULL ? xstrndup(item, (size_t)(sp - item)) :
		    xstrdup(item);
		who = sp != NULL ? xstrdup(sp + strspn(sp, " \t")) : NULL;
		if (who == NULL || *who == '\0' ||
		    util_parse_duration(age, &ms, &why) != 0 ||
		    strlen(who) > ESCALATION_WHO_MAX ||
		    (out->n > 0 && ms <= out->v[out->n - 1].after_ms)) {
			*cause = xasprintf("level %zu '%s': %s; write each "
			    "level as AGE WHO, ages increasing, such as \"0s "
			    "automated response, 2m on-call engineer, 30m "
			    "senior engineer\"", k, item, why != NULL ? why :
			    who == NULL || *who == '\0' ? "it reaches nobody" :
			    strlen(who) > ESCALATION_WHO_MAX ? "the name is "
			    "too long" : "its age is not after the level "
			    "before");
			free(why);
			free(who);
			free(age);
			free(item);
			escalation_done(out);
			return -1;
		}
		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		out->v[out->n].after_ms = ms;
		out->v[out->n++].who = who;
		free(age);
		free(item);
		p = *end == ',' ? end + 1 : end;
	}
	if (out->n == 0) {
		*cause = xstrdup("no levels; write them as \"0s automated "
		    "response, 2m on-call engineer, ...\", or none");
		return -1;
	}
	return 0;
}

/* The policy of a priority. */
void
escalation_for(const struct conf *conf, int p, struct escalation *out)
{
	const char	*word = incident_priority_word(p);
	char		*cause = NULL;
	size_t		 i;

	out->v = NULL;
	out->n = 0;
	for (i = 0; conf != NULL && i < conf->nescalation; i++) {
		if (incident_priority_parse(conf->escalation[i].key) == p) {
			/* config check has refused a bad one already. */
			if (escalation_parse(conf->escalation[i].value, out,
			    &cause) != 0)
				free(cause);
			return;
		}
	}
	if (strcmp(word, "P0") == 0 && escalation_parse(escalation_p0, out,
	    &cause) != 0)
		free(cause);
}

/* Levels reached at age, and the time to the next. */
size_t
escalation_reached(const struct escalation *e, int64_t age_ms,
    int64_t *next_ms)
{
	size_t	n = 0;

	while (n < e->n && e->v[n].after_ms <= age_ms)
		n++;
	if (next_ms != NULL)
		*next_ms = n < e->n ? e->v[n].after_ms - age_ms : -1;
	return n;
}
