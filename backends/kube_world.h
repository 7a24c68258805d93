/*
 * kube_world.h: the Kubernetes part of an action world (core/action.h):
 * the writes (restart, undo, scale, delete pod, real or server dry run),
 * whether RBAC lets us (SelfSubjectAccessReview, and who we are by
 * SelfSubjectReview), and following a deployment's rollout the way
 * `kubectl rollout status` reads it.
 *
 * Every callback runs exactly once (a follow's: on every change until
 * it ends), from the loop, or at once when a request cannot even start.
 * kube_cancel (the world's) and kube_world_free() forget everything under
 * way without a callback.
 */
#ifndef SITREP_KUBE_WORLD_H
#define SITREP_KUBE_WORLD_H

#include <stdint.h>

struct action_world;
struct kube_client;
struct kube_world;
struct loop;

/* A world on loop and client, both borrowed: free it before them. */
struct kube_world *kube_world_new(struct loop *, struct kube_client *);
/* Forget everything under way (no callback) and free; NULL is fine. */
void		 kube_world_free(struct kube_world *);
/*
 * Fill the Kubernetes part of out: kube_impl, cluster (the API server,
 * borrowed from the client), kube, access, follow, unfollow and
 * kube_cancel.  The Alertmanager and command parts and name are left.
 */
void		 kube_world_fill(struct kube_world *, struct action_world *out);
/* How often a follow polls the deployment (1000 ms; tests go faster). */
void		 kube_world_set_interval(struct kube_world *, int64_t ms);

#endif
