# CPack: `cmake --build --preset release --target package` (or `cpack` in the build folder)
# makes nanovlm-chat_<version>_amd64.deb and nanovlm-chat-<version>-Linux.tar.gz from the
# install rules in Install.cmake; an .rpm too where rpmbuild exists. Windows (NSIS) and macOS
# (DragNDrop) are configured but untested: see packaging/README.md.

set(NANOVLM_PACKAGE_MAINTAINER "nanovlm-chat maintainers <nanovlm-chat@users.noreply.github.com>"
    CACHE STRING "Maintainer (name <email>) written into the packages")

set(CPACK_PACKAGE_NAME "${PROJECT_NAME}")
set(CPACK_PACKAGE_VENDOR "nanovlm-chat contributors")
set(CPACK_PACKAGE_CONTACT "${NANOVLM_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
string(CONCAT CPACK_PACKAGE_DESCRIPTION # lines of at most 80 characters, as dpkg shows them
    "Drop images into a chat and ask questions about them. The answers come from a\n"
    "nanoVLM vision-language model that runs on the CPU in the app's own engine;\n"
    "nothing leaves the machine. Includes the nanovlm command line.\n"
    "Model checkpoints are not included.")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "nanoVLM Chat")
set(CPACK_PACKAGE_EXECUTABLES "nanovlm-chat" "nanoVLM Chat")
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_CURRENT_LIST_DIR}/copyright")
set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
set(CPACK_STRIP_FILES ON)
set(CPACK_VERBATIM_VARIABLES ON)

if(WIN32)
    set(CPACK_GENERATOR "NSIS;ZIP")
    set(CPACK_NSIS_DISPLAY_NAME "nanoVLM Chat")
    set(CPACK_NSIS_PACKAGE_NAME "nanoVLM Chat")
    set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
    set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
elseif(APPLE)
    set(CPACK_GENERATOR "DragNDrop;TGZ")
    set(CPACK_DMG_VOLUME_NAME "nanoVLM Chat")
else()
    set(CPACK_GENERATOR "DEB;TGZ")
    find_program(NANOVLM_RPMBUILD rpmbuild)
    if(NANOVLM_RPMBUILD)
        list(APPEND CPACK_GENERATOR "RPM")
    endif()
endif()

# Debian: nanovlm-chat_<version>_<arch>.deb, installed under /usr.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "graphics")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_COMPRESSION_TYPE "xz")
# dpkg-shlibdeps finds the libraries (Qt, OpenBLAS, libstdc++); the QML modules and image
# plugins the app loads at run time are not linked, so they are listed here. Which modules:
# `qmlimportscanner -rootPath ui` (QtQuick.Dialogs falls back to Qt.labs.folderlistmodel
# where there is no native dialog, see ui/composer/Composer.qml).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(NANOVLM_DEBIAN_RUNTIME_DEPENDS
    qml6-module-qtqml
    qml6-module-qtqml-models
    qml6-module-qtqml-workerscript
    qml6-module-qtquick
    qml6-module-qtquick-controls # also the Material style
    qml6-module-qtquick-templates
    qml6-module-qtquick-layouts
    qml6-module-qtquick-dialogs
    qml6-module-qtquick-window
    qml6-module-qt-labs-folderlistmodel
    qml6-module-qt-labs-platform # the chat sidebar's export dialog
    qt6-image-formats-plugins # WebP, TIFF and GIF pictures
    libssl3 # https to the Hugging Face Hub: QtNetwork's OpenSSL backend dlopens libssl.so.3
)
list(JOIN NANOVLM_DEBIAN_RUNTIME_DEPENDS ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland")

# RPM (untested: no rpmbuild on our Debian machines); AutoReq finds the libraries.
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "Apache-2.0")
set(CPACK_RPM_PACKAGE_GROUP "Applications/Graphics")
set(CPACK_RPM_PACKAGE_REQUIRES "qt6-qtdeclarative, qt6-qtimageformats")

# `--target package_source`: the sources without build output or git history; a build from it
# reports commit "unknown" unless configured with -DNANOVLM_GIT_COMMIT=<commit>.
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/\\.cache/" "/build[^/]*/" "/out/")

include(CPack)
