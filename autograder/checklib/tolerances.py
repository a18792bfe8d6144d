"""Every tolerance the kit uses, in one place, with the reason for each.

All numerics are float64 (unit roundoff u = 1.1e-16). A comparison passes where
``|got - expected| <= atol + rtol * |expected|`` elementwise (numpy's ``isclose`` rule), so both a
relative part (for large values) and an absolute part (for values near zero) apply.
"""

#: Student output against the reference output for the same inputs. Two correct float64
#: implementations that differ only in summation order, loops vs vectorised code, a dict cache or
#: the ``1/(1+exp(-a))`` sigmoid agree to ~1e-13 relative on the sizes we generate (T <= 8 steps,
#: widths <= 6); 1e-7 leaves six orders of magnitude of headroom and still catches any real bug
#: (a dropped term changes values at the 1e-2 level or more).
VALUE_RTOL = 1e-7
VALUE_ATOL = 1e-9

#: Analytic gradient against centred finite differences with step ``NUMGRAD_EPS``. The centred
#: difference has truncation error ~eps^2 * |f'''| ~ 1e-12 and roundoff ~u * |f| / eps ~ 1e-10 for
#: |f| ~ 1, so 1e-5 relative / 1e-6 absolute sits well above both and well below any real bug.
NUMGRAD_EPS = 1e-6
GRAD_RTOL = 1e-5
GRAD_ATOL = 1e-6

#: A numerical gradient whose largest entry is below this is "trivially zero": the forward does not
#: depend on that input, and a backward that matches it earns nothing (SPEC section 8).
TRIVIAL_GRAD = 1e-7

#: Least-squares optimality of an AR fit (sequences, ``fit_ar``): with X the design matrix
#: [1, y[t-1], ..., y[t-p]] and r the residuals of the student's coefficients, every entry of X^T r
#: must be at most this times its scale sum_t |X[t, k]| * max_t |y[t]| (X^T r = 0 are the normal
#: equations). Any backward-stable solver (lstsq/QR/SVD, and the normal equations solved with
#: ``np.linalg.solve``, which are backward stable for the system X^T X b = X^T y) leaves X^T r at
#: roundoff, ~u per unit of scale: measured <= 5e-16 over 3000 ``ar_series`` draws (T <= 80, p <= 3,
#: cond(X) <= 220). Adding 1e-8 to any one coefficient of the exact fit moves some entry by at
#: least 4.5e-10 of its scale (measured over 1000 draws), so 1e-10 keeps five orders of headroom
#: over roundoff and still rejects coefficients off by more than ~2e-9 (a missing intercept leaves
#: ~1e-2).
LSTSQ_ORTHOGONALITY = 1e-10
