"""
Blend recalibration experiments for the risk model (issue 14), on out-of-fold logits of the 80% tuning part only:
  RISK_TUNE_DUMP=/tmp/oof.json npx tsx scripts/bench/risk-tune.ts '{}'
  python3 scripts/bench/risk-calibrate.py /tmp/oof.json
Compares, by nested 5-fold CV over the logits, the linear (Platt) blend c0 + c1 za + c2 zb with quadratic / cubic terms,
hinge splines and isotonic regression (pool-adjacent-violators, mixed 50/50 with the linear blend). Needs numpy.
"""
import json, sys, numpy as np
d = json.load(open(sys.argv[1]))
za, zb, y = np.array(d['za']), np.array(d['zb']), np.array(d['y'], float)
n = len(y)
def sig(z): return 1/(1+np.exp(-z))
def fit(X, y, l2=1e-6):
    b = np.zeros(X.shape[1])
    for _ in range(50):
        p = sig(X@b); g = X.T@(p-y) + l2*b; H = (X*(p*(1-p))[:,None]).T@X + l2*np.eye(X.shape[1])
        b -= np.linalg.solve(H, g)
    return b
def ll(p, y):
    p = np.clip(p, 1e-15, 1-1e-15); return -np.mean(y*np.log(p)+(1-y)*np.log(1-p))
def auc(p, y):
    o = np.argsort(p, kind='mergesort'); r = np.empty(n); r[o] = np.arange(1, n+1)
    # ties ignored
    npos = y.sum(); return (r[y==1].sum() - npos*(npos+1)/2)/(npos*(n-npos))
rng = np.random.default_rng(7)
fold = rng.permutation(n) % 5
def cv(feat):
    X = feat(za, zb); p = np.zeros(n)
    for k in range(5):
        tr = fold != k; b = fit(X[tr], y[tr]); p[~tr] = sig(X[~tr]@b)
    return p
def knots(z, q): return np.quantile(z, q)
sets = {
 'base': lambda a,b: np.c_[np.ones(n), a, b],
 'quad': lambda a,b: np.c_[np.ones(n), a, b, a*a, b*b, a*b],
 'ab': lambda a,b: np.c_[np.ones(n), a, b, a*b],
 'sq': lambda a,b: np.c_[np.ones(n), a, b, a*a, b*b],
 'cube': lambda a,b: np.c_[np.ones(n), a, b, a*a, b*b, a*b, a**3, b**3],
}
base = np.c_[np.ones(n), za, zb]; bb = fit(base, y); zbl = base@bb
K = np.quantile(zbl, [0.05,0.2,0.4,0.6,0.8])
sets['spline_blend'] = lambda a,b: np.c_[np.ones(n), a, b, *[np.maximum(0, (bb[0]+bb[1]*a+bb[2]*b)-k) for k in K]]
Ka = np.quantile(za, [0.05,0.2,0.5,0.8]); Kb = np.quantile(zb, [0.05,0.2,0.5,0.8])
sets['spline_ab'] = lambda a,b: np.c_[np.ones(n), a, b, *[np.maximum(0,a-k) for k in Ka], *[np.maximum(0,b-k) for k in Kb]]
sets['min_max'] = lambda a,b: np.c_[np.ones(n), a, b, np.minimum(a,b)]
for name, f in sets.items():
    p = cv(f); print(f"{name:14s} auc {auc(p,y):.4f} ll {ll(p,y):.4f}  (in-sample ll {ll(sig(f(za,zb)@fit(f(za,zb),y)),y):.4f})")
# isotonic on base blend logit, cv
def pav(x, y):
    o = np.argsort(x); ys = y[o].astype(float); vals=[]; ws=[]; xs=[]
    for i in range(len(ys)):
        vals.append(ys[i]); ws.append(1.0); xs.append(x[o][i])
        while len(vals)>1 and vals[-2] > vals[-1]:
            v = (vals[-2]*ws[-2]+vals[-1]*ws[-1])/(ws[-2]+ws[-1]); wsum = ws[-2]+ws[-1]; xx = xs[-1]
            vals.pop(); ws.pop(); xs.pop(); vals[-1]=v; ws[-1]=wsum; xs[-1]=xx
    return np.array(xs), np.array(vals)
p = np.zeros(n)
for k in range(5):
    tr = fold != k; b = fit(base[tr], y[tr]); z = base@b
    xs, vs = pav(z[tr], y[tr]); idx = np.searchsorted(xs, z[~tr]); idx = np.minimum(idx, len(vs)-1)
    pk = vs[idx]; p[~tr] = np.clip(0.5*pk + 0.5*sig(z[~tr]), 1e-4, 1-1e-4)
print(f"isotonic-mix   auc {auc(p,y):.4f} ll {ll(p,y):.4f}")
