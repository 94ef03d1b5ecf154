import type { ServicePlan } from './plan.js';

/** The namespace and issuer of the sample system's manifests (deploy/kubernetes). */
const NAMESPACE = 'rampart';
const ISSUER_URL = `https://issuer.${NAMESPACE}.svc.cluster.local:9443`;

/**
 * `deploy/kubernetes/kustomization.yaml` of a scaffolded service: its own base, in the namespace of the sample
 * system, built from the image its Dockerfile makes. Add the folder to an overlay's `resources` to deploy it.
 */
export function kustomizationTemplate(plan: ServicePlan): string {
  return `# ${plan.name} on Kubernetes, next to the sample system (deploy/kubernetes): add this folder to the resources of
# your overlay. Its X.509-SVID comes from cert-manager's csi-driver-spiffe, as in deploy/kubernetes/overlays/cert-manager:
# spiffe://${plan.trustDomain}/ns/${NAMESPACE}/sa/${plan.name}, the ID of its ServiceAccount (register that ID at the issuer,
# and pin it in its callers); its trust bundle from trust-manager's rampart-trust ConfigMap. Its tokens' keys come
# from the issuer: add a podSelector for app.kubernetes.io/name: ${plan.name} to the issuer NetworkPolicy's ingress.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${NAMESPACE}
labels:
  - pairs:
      app.kubernetes.io/part-of: rampart
    includeTemplates: true
resources:
  - ${plan.name}.yaml
images:
  - name: rampart/${plan.name}
    newTag: 0.1.0
`;
}

/** The probes and security settings every Rampart server container has (see deploy/kubernetes/base). */
function containerBlock(plan: ServicePlan): string {
  return `      containers:
        - name: ${plan.name}
          image: rampart/${plan.name}
          imagePullPolicy: IfNotPresent
          ports:
            - { name: grpc, containerPort: 50051 }
            - { name: health, containerPort: 8081 }
          env:
            - { name: NODE_ENV, value: production }
            - { name: RAMPART_SERVER_HOST, value: 0.0.0.0 }
            - { name: RAMPART_SERVER_PORT, value: "50051" }
            - { name: RAMPART_SERVER_HEALTH_PORT, value: "8081" }
            - { name: RAMPART_SERVER_DRAIN_DELAY_MS, value: "5000" }
            - { name: RAMPART_SERVER_SHUTDOWN_GRACE_MS, value: "10000" }
            - { name: RAMPART_SERVER_MAX_CONNECTION_AGE_MS, value: "120000" }
            - { name: RAMPART_SERVER_MAX_CONNECTION_AGE_GRACE_MS, value: "30000" }
            - { name: RAMPART_SERVER_KEEPALIVE_TIME_MS, value: "60000" }
            - { name: RAMPART_SERVER_KEEPALIVE_TIMEOUT_MS, value: "20000" }
            - { name: RAMPART_TLS_CERT_FILE, value: /var/run/rampart/tls/tls.crt }
            - { name: RAMPART_TLS_KEY_FILE, value: /var/run/rampart/tls/tls.key }
            - { name: RAMPART_TLS_CA_FILE, value: /var/run/rampart/trust/ca.crt }
            - { name: RAMPART_TLS_LOAD_TIMEOUT_MS, value: "60000" }
            - { name: RAMPART_AUTH_ISSUER, value: "${ISSUER_URL}" }
            - { name: RAMPART_AUTH_ISSUER_CA_FILE, value: /var/run/rampart/trust/ca.crt }
            - { name: RAMPART_AUTH_AUDIENCE, value: "${plan.spiffeId}" }
          startupProbe: { grpc: { port: 8081 }, periodSeconds: 2, failureThreshold: 60 }
          readinessProbe: { grpc: { port: 8081 }, periodSeconds: 5, failureThreshold: 1 }
          livenessProbe: { grpc: { port: 8081 }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { memory: 256Mi }
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities: { drop: [ALL] }
          volumeMounts:
            - { name: tls, mountPath: /var/run/rampart/tls, readOnly: true }
            - { name: trust, mountPath: /var/run/rampart/trust, readOnly: true }
            - { name: tmp, mountPath: /tmp }
      volumes:
        - name: tls
          csi:
            driver: spiffe.csi.cert-manager.io
            readOnly: true
            volumeAttributes:
              spiffe.csi.cert-manager.io/fs-group: "1000"
        - name: trust
          configMap: { name: rampart-trust, items: [{ key: ca.crt, path: ca.crt }] }
        - name: tmp
          emptyDir: { medium: Memory, sizeLimit: 16Mi }`;
}

/**
 * `deploy/kubernetes/<name>.yaml`: the service's ServiceAccount (and the Role csi-driver-spiffe needs to request its
 * SVID as that ServiceAccount), Deployment (native gRPC probes on the health port,
 * restricted security settings, a termination grace over drain delay + shutdown grace), headless Service,
 * PodDisruptionBudget and NetworkPolicy (callers labelled `rampart.dev/<name>-client=true`; out to the issuer).
 */
export function kubernetesTemplate(plan: ServicePlan): string {
  const select = `app.kubernetes.io/name: ${plan.name}`;
  return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${plan.name}
automountServiceAccountToken: false
---
# csi-driver-spiffe asks for the pod's SVID as the pod's ServiceAccount.
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ${plan.name}-svid
rules:
  - apiGroups: [cert-manager.io]
    resources: [certificaterequests]
    verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${plan.name}-svid
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: ${plan.name}-svid }
subjects:
  - { kind: ServiceAccount, name: ${plan.name}, namespace: ${NAMESPACE} }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${plan.name}
  labels: { ${select} }
spec:
  replicas: 2
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }
  selector:
    matchLabels: { ${select} }
  template:
    metadata:
      labels: { ${select} }
    spec:
      serviceAccountName: ${plan.name}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
        fsGroup: 1000
        seccompProfile: { type: RuntimeDefault }
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector: { matchLabels: { ${select} } }
${containerBlock(plan)}
---
apiVersion: v1
kind: Service
metadata:
  name: ${plan.name}
spec:
  clusterIP: None
  selector: { ${select} }
  ports:
    - { name: grpc, port: 50051, targetPort: grpc }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${plan.name}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: { ${select} }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${plan.name}
spec:
  podSelector:
    matchLabels: { ${select} }
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector: {}
          podSelector: { matchLabels: { rampart.dev/${plan.name}-client: "true" } }
      ports:
        - { protocol: TCP, port: 50051 }
  egress:
    - to:
        - podSelector: { matchLabels: { app.kubernetes.io/name: issuer } }
      ports:
        - { protocol: TCP, port: 9443 }
`;
}
