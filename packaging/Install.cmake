# What `cmake --install` puts where (GNU layout), for the packages and for any prefix:
#   bin/nanovlm, bin/nanovlm-chat
#   share/applications/nanovlm-chat.desktop, share/metainfo/<id>.metainfo.xml
#   share/icons/hicolor/{scalable,NxN}/apps/nanovlm-chat.{svg,png}
#   share/doc/nanovlm-chat/{README.md,copyright}
#   share/nanovlm-chat/demo-shapes/ (the demo model; resources/CMakeLists.txt)
# The QML is compiled into nanovlm-chat; Qt, its QML modules and OpenBLAS come from the system.
include(GNUInstallDirs)

set(NANOVLM_RESOURCES "${PROJECT_SOURCE_DIR}/resources")
set(NANOVLM_APPSTREAM_ID "io.github.nanovlm_chat.NanoVlmChat")

# Relocatable: the binaries look for libraries beside the tree they are installed in, never in
# the build tree (CMake drops the build RUNPATH at install).
set_target_properties(nanovlm nanovlm-chat PROPERTIES INSTALL_RPATH "$ORIGIN/../lib")
install(TARGETS nanovlm nanovlm-chat RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(FILES "${NANOVLM_RESOURCES}/nanovlm-chat.desktop"
    DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES "${NANOVLM_RESOURCES}/${NANOVLM_APPSTREAM_ID}.metainfo.xml"
    DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES "${NANOVLM_RESOURCES}/nanovlm-chat.svg"
    DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size 16 24 32 48 64 128 256 512)
    install(FILES "${NANOVLM_RESOURCES}/icons/${size}.png"
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
        RENAME nanovlm-chat.png)
endforeach()

install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${CMAKE_CURRENT_LIST_DIR}/copyright"
    DESTINATION ${CMAKE_INSTALL_DOCDIR})
