"""Installs the package and records where the Adjoint checkout is (adjoint/_home.py), so that an installed
`import adjoint` finds the jars it runs on; ADJOINT_HOME overrides it."""

import os

from setuptools import setup
from setuptools.command.build_py import build_py

HOME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class BuildWithHome(build_py):
    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "adjoint", "_home.py")
        with open(target, "w") as f:
            f.write("# written by setup.py: the checkout this package was installed from\nHOME = %r\n" % HOME)


setup(cmdclass={"build_py": BuildWithHome})
