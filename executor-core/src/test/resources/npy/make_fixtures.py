"""Makes the .npy fixtures of NpyFixturesTest with NumPy (committed; rerun only to change them).

    cd executor-core/src/test/resources/npy && python3 make_fixtures.py

Every numeric fixture holds v[i] = (i - 5) * 0.25 (ints: i - 5) at C-order linear index i.
"""
import numpy as np

def values(shape, dtype):
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.float64)
    v = (i - 5) * 0.25 if np.dtype(dtype).kind == "f" else (i - 5)
    return v.reshape(shape).astype(dtype)

s2 = (3, 4)
s4 = (2, 3, 2, 2)
np.save("f8_le.npy", values(s2, "<f8"))
np.save("f8_be.npy", values(s2, ">f8"))
np.save("f4_le.npy", values(s2, "<f4"))
np.save("f4_be.npy", values(s2, ">f4"))
np.save("i4_le.npy", values(s2, "<i4"))
np.save("i8_le.npy", values(s2, "<i8"))
np.save("f8_fortran_2d.npy", np.asfortranarray(values(s2, "<f8")))
np.save("f8_fortran_4d.npy", np.asfortranarray(values(s4, "<f8")))
np.save("i4_fortran_4d.npy", np.asfortranarray(values(s4, "<i4")))
for version in [(2, 0), (3, 0)]:
    with open("f8_v%d.npy" % version[0], "wb") as f:
        np.lib.format.write_array(f, values(s4, "<f8"), version=version)
np.save("object.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
np.save("structured.npy", np.zeros(3, dtype=[("x", "<f8"), ("y", "<i4")]))
np.save("u1.npy", np.arange(4, dtype=np.uint8))

# A small contraction worked by NumPy: G = tensordot(A, J, axes=2).
rng = np.random.default_rng(20261127)
A = rng.standard_normal((2, 3, 4, 5))
J = rng.standard_normal((4, 5, 3, 2))
np.save("contract_A.npy", A)
np.save("contract_J.npy", J)
np.save("contract_G.npy", np.tensordot(A, J, axes=2))
