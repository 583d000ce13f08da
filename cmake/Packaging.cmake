# cpack -G DEB (from the release build): plateau_<version>_amd64.deb with the program, the libraries,
# the headers, the CMake package and plateau.pc. Depends: the shared libraries the program and the
# libraries need, computed by dpkg-shlibdeps, and the -dev packages whose headers and CMake files
# find_package(plateau) reaches (Eigen, nlohmann-json, zlib, muparser, and Open MPI when built with it).
set(CPACK_PACKAGE_NAME plateau)
set(CPACK_PACKAGE_VENDOR "plateau")
set(CPACK_PACKAGE_CONTACT "plateau developers <plateau@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Fashion-MNIST CNN training: Keras-style layers, fit() and callbacks, PyTorch-style optimizers and schedules")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # plateau_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libeigen3-dev (>= 3.4), nlohmann-json3-dev (>= 3.10), zlib1g-dev, libmuparser-dev, pkg-config")
if(PLATEAU_MPI)  # plateau::distributed: find_dependency(MPI); mpirun to start a data-parallel run
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libopenmpi-dev, openmpi-bin")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist")
set(CPACK_GENERATOR DEB)
include(CPack)
