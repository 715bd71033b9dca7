package workloads

import "github.com/cloudpartner/platform-environment/functions/platform-environment/incluster"

// podVolumes are the application's volumes and mounts (appVolumes) and, when it takes database-url, the
// RDS CA bundle its sslrootcert names (incluster.RDSCAPath; the ConfigMap is rendered in the namespace by
// incluster.RDSCABundles).
func podVolumes(a *App) ([]any, []any) {
	vols, mounts := appVolumes(a)
	if a.UsesSecret(incluster.SecretDatabaseURL) {
		vols = append(vols, incluster.RDSCAVolumeSpec())
		mounts = append(mounts, incluster.RDSCAMount())
	}
	return vols, mounts
}
