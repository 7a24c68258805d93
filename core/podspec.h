/*
 * podspec.h: what a rollback changes in a pod template, said once for
 * the action gate's dry run (backends/kube_write.c) and the service
 * page (core/views_detail.c).
 *
 * Both compare template summaries, the compact JSON array the Kubernetes
 * source keeps in kube_replicasets.containers (kube_template_summary()):
 * per container its name, image, env variable names (never values) and
 * resource requests and limits.
 */
#ifndef SITREP_PODSPEC_H
#define SITREP_PODSPEC_H

#include <stddef.h>

/*
 * What changes from summary from to summary to (JSON text; NULL or not
 * JSON: no containers), one line each, in this order per container of
 * from, then the containers only in to:
 *   "image NAME: A -> B"
 *   "env NAME: +FOO -BAR"	(variable names added, removed)
 *   "limits.memory NAME: 512Mi -> 1Gi"	(requests and limits; "none")
 *   "container NAME: removed", "container NAME: added (image X)"
 * *n = 0 and NULL when nothing differs.  Each line is one line of plain
 * text: control characters and newlines from outside are made visible
 * (sanitize_terminal), so hostile text can neither reach a terminal raw
 * nor forge a line.  Free with podspec_lines_free().
 */
char	**podspec_diff(const char *from, const char *to, size_t *n);
void	  podspec_lines_free(char **, size_t n);

#endif
