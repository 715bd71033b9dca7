package observe

// Observed fields of the in-cluster kinds, shaped like what provider-kubernetes, provider-helm and
// Crossplane report: an Object's status.atProvider.manifest (the object as the cluster has it, with the
// status its controller writes: a Deployment rolled out, a Job succeeded, an ExternalSecret synced), a
// Release's state, and ProviderConfigs and Usages, which have no AWS identity. Not-ready objects report
// the state of something still in progress.
func init() {
	Register("kubernetes.m.crossplane.io", "Object", func(obj map[string]any, f Facts) {
		status := appsStatus(obj)
		delete(status, "atProvider")
		m, _ := appsSpec(obj)["forProvider"].(map[string]any)
		manifest, _ := JSON(m["manifest"]).(map[string]any)
		if manifest == nil {
			return
		}
		if md, ok := manifest["metadata"].(map[string]any); ok {
			md["uid"] = uuidOf("uuid", "object/"+f.Name)
			md["generation"] = int64(1)
		}
		ready := isReady(obj)
		if st := appsRemoteStatus(manifest, ready); st != nil {
			manifest["status"] = st
		}
		status["atProvider"] = map[string]any{"manifest": manifest}
	})
	Register("helm.m.crossplane.io", "Release", func(obj map[string]any, f Facts) {
		status := appsStatus(obj)
		state := "pending-install"
		if isReady(obj) {
			state = "deployed"
		}
		status["atProvider"] = map[string]any{"state": state, "revision": int64(1)}
	})
	// ProviderConfigs have no Ready condition and no external resource: the providers count their users.
	for _, g := range []string{"kubernetes.m.crossplane.io", "helm.m.crossplane.io"} {
		Register(g, "ProviderConfig", func(obj map[string]any, f Facts) {
			obj["status"] = map[string]any{"users": int64(1)}
			if md, ok := obj["metadata"].(map[string]any); ok {
				if ann, ok := md["annotations"].(map[string]any); ok {
					delete(ann, "crossplane.io/external-name")
				}
			}
		})
	}
	Register("protection.crossplane.io", "Usage", func(obj map[string]any, f Facts) {
		delete(appsStatus(obj), "atProvider")
		if md, ok := obj["metadata"].(map[string]any); ok {
			if ann, ok := md["annotations"].(map[string]any); ok {
				delete(ann, "crossplane.io/external-name")
			}
		}
	})
}

// appsRemoteStatus is the status a kind's controller writes.
func appsRemoteStatus(manifest map[string]any, ready bool) map[string]any {
	kind, _ := manifest["kind"].(string)
	spec, _ := manifest["spec"].(map[string]any)
	switch kind {
	case "Deployment":
		replicas := int64(1)
		if r, ok := spec["replicas"].(float64); ok {
			replicas = int64(r)
		}
		if !ready {
			return map[string]any{"observedGeneration": int64(1), "replicas": replicas, "unavailableReplicas": replicas}
		}
		return map[string]any{
			"observedGeneration": int64(1), "replicas": replicas, "updatedReplicas": replicas,
			"readyReplicas": replicas, "availableReplicas": replicas,
			"conditions": []any{
				map[string]any{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
				map[string]any{"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"},
			},
		}
	case "Job":
		if !ready {
			return map[string]any{"active": int64(1), "startTime": transitionTime}
		}
		return map[string]any{
			"succeeded": int64(1), "startTime": transitionTime, "completionTime": transitionTime,
			"conditions": []any{
				map[string]any{"type": "SuccessCriteriaMet", "status": "True"},
				map[string]any{"type": "Complete", "status": "True"},
			},
		}
	case "ExternalSecret", "PushSecret", "ClusterSecretStore":
		s, reason := "False", "SecretSyncedError"
		if ready {
			s, reason = "True", "SecretSynced"
		}
		return map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": s, "reason": reason}}}
	case "TargetGroupBinding":
		return map[string]any{"observedGeneration": int64(1)}
	}
	return nil
}

func appsStatus(obj map[string]any) map[string]any {
	s, ok := obj["status"].(map[string]any)
	if !ok {
		s = map[string]any{}
		obj["status"] = s
	}
	return s
}

func appsSpec(obj map[string]any) map[string]any {
	s, _ := obj["spec"].(map[string]any)
	if s == nil {
		return map[string]any{}
	}
	return s
}
