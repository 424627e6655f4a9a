namespace HaKube.Model.Planning;

/// <summary>
/// The convergence actions, in the order the kubeadm HA guide needs them. Each has one class in
/// src/Actions/Steps that runs it on its hosts and then verifies its post-condition.
/// </summary>
public enum StepKind
{
    /// <summary>Swap off, kernel modules and sysctls, containerd with SystemdCgroup, the Kubernetes packages at the spec's version and held (etcd or HAProxy packages on those roles).</summary>
    PrepareHost,

    /// <summary>HAProxy configuration (TCP mode, every control plane a backend, /readyz health check) written and the service running.</summary>
    ConfigureLoadBalancer,

    /// <summary>
    /// External etcd: the member's files written where they differ (HaKube-issued certificates, the
    /// kubelet drop-in and configuration that run the static pod, the member's kubeadm configuration);
    /// a running member whose certificates or configuration changed, or whose etcd.yaml was edited, is
    /// re-rendered with kubeadm init phase etcd local and restarted (behind the quorum guard).
    /// </summary>
    ConfigureEtcdMember,

    /// <summary>External etcd: the first member, a new one-member cluster, as a kubeadm static pod.</summary>
    BootstrapEtcd,

    /// <summary>External etcd: one member added as a learner through a healthy member, started with the existing cluster, then promoted.</summary>
    AddEtcdMember,

    /// <summary>External etcd: an existing member whose static pod does not run started again (its kubelet started, its etcd.yaml rendered again if it is gone).</summary>
    StartEtcdMember,

    /// <summary>
    /// External etcd: a member run by HaKube's former systemd unit moved to a kubeadm static pod,
    /// keeping its data directory and member ID: the unit stopped, disabled and removed, etcd.yaml
    /// rendered, the kubelet started. One member per plan, behind the quorum guard.
    /// </summary>
    MigrateEtcdMember,

    /// <summary>The images kubeadm needs for the spec's version pulled before kubeadm init or join (its own budget: minutes on a real link).</summary>
    PullImages,

    /// <summary>HaKube's certificate authorities (and, for External etcd, the apiserver-etcd-client pair) pushed to a control plane.</summary>
    DistributeCertificateAuthorities,

    /// <summary>
    /// A control plane where kubeadm init stopped half-way (see HostFacts.KubeadmInitUnfinished):
    /// kubeadm reset -f, so that init can run again; only while no other host has joined and no
    /// other etcd member or Node exists.
    /// </summary>
    ResetUnfinishedInit,

    /// <summary>kubeadm init on the first control plane.</summary>
    InitControlPlane,

    /// <summary>kubeadm join --control-plane; with Stacked etcd also a membership change.</summary>
    JoinControlPlane,

    /// <summary>The pod network (Calico with the spec's podSubnet) applied from the first control plane.</summary>
    InstallPodNetwork,

    /// <summary>kubeadm join of workers, in parallel.</summary>
    JoinWorker,

    /// <summary>A joined node's kubelet started again (drift: kubelet stopped, so nothing keeps its static pods - a stacked etcd member, the API server - running).</summary>
    StartKubelet,

    /// <summary>
    /// Workers that left the spec, in parallel: cordoned and drained (bounded; at the timeout the
    /// removal goes on), kubeadm reset -f where reachable, and their Node deleted.
    /// </summary>
    RemoveWorker,

    /// <summary>
    /// A control plane that left the spec (after the load balancer stopped sending to it): drained,
    /// its stacked etcd member removed through a healthy member (a membership change), kubeadm reset
    /// -f where reachable, and its Node deleted.
    /// </summary>
    RemoveControlPlane,

    /// <summary>External etcd: a member host that left the spec: member removed through a healthy member (a membership change), etcd stopped and its data moved aside where reachable.</summary>
    RemoveEtcdMember,

    /// <summary>
    /// A HAProxy host that left the spec (spec.loadBalancer.hosts with it), once another load
    /// balancer of the spec serves the endpoint: haproxy stopped and disabled there, its
    /// HaKube-written haproxy.cfg moved aside (kept); nothing is done on an unreachable one. It is
    /// forgotten by the inventory unless another removal step still has to run on it.
    /// </summary>
    RemoveLoadBalancer,

    /// <summary>An etcd member that runs on no spec host (left over from a dead or replaced host) removed through a healthy member. A membership change.</summary>
    RemoveStaleEtcdMember,

    /// <summary>
    /// The previous machine of a host replaced at a new address: kubeadm reset and forgotten. Never its Node nor an
    /// etcd member by name: both belong to the new machine. Unreachable: only forgotten.
    /// </summary>
    ResetPreviousMachine,

    /// <summary>
    /// On one control plane whose certificates expire within spec.certificateRenewalDays (or whose
    /// HaKube-issued apiserver-etcd-client pair was reissued): kubeadm certs renew all, then its static
    /// pods restarted (manifests moved out and back); with Stacked etcd an etcd member restart, behind the quorum guard.
    /// </summary>
    RenewControlPlaneCertificates,

    /// <summary>kubelet.conf with an embedded client certificate (which kubeadm certs renew never renews) pointed at the kubelet's rotating kubelet-client-current.pem.</summary>
    UseRotatingKubeletCertificate,

    /// <summary>
    /// External etcd: control planes whose kube-apiserver --etcd-servers are not spec.etcd.hosts
    /// (hosts added, removed or replaced): kubeadm-config's etcd.external.endpoints updated, then each
    /// control plane's manifest, one at a time, each waiting for its API server to be ready.
    /// </summary>
    UpdateEtcdServers,

    /// <summary>
    /// External etcd, before the control planes' upgrade: one member moved to the etcd kubeadm pins
    /// for spec.kubernetesVersion (kubelet and kubeadm at the target, etcd.yaml rendered again, the
    /// member restarted), one host per plan, behind the quorum guard.
    /// </summary>
    UpgradeEtcdMember,

    /// <summary>
    /// Kubernetes upgrade of one control plane to spec.kubernetesVersion: kubeadm installed at the
    /// target, then `kubeadm upgrade plan` and `kubeadm upgrade apply` on the first one to upgrade
    /// (the cluster's kubeadm-config is still older) or `kubeadm upgrade node` on the others; then
    /// drained, kubelet and kubectl upgraded, kubelet restarted, uncordoned. One host per plan.
    /// </summary>
    UpgradeControlPlane,

    /// <summary>
    /// Kubernetes upgrade of one worker, once every control plane runs the target: drained (bounded),
    /// kubeadm installed at the target, `kubeadm upgrade node`, kubelet and kubectl upgraded, kubelet
    /// restarted, uncordoned. One host per plan.
    /// </summary>
    UpgradeWorker,

    /// <summary>
    /// Through an initialized control plane: each listed Node gets the spec's labels and loses the
    /// ones HaKube set that the spec dropped (a JSON merge patch, with the hakube.io/labels
    /// annotation recording HaKube's keys); labels HaKube did not set are kept.
    /// </summary>
    LabelNodes,
}
