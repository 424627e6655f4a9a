# HaKube's daemon image: `docker build -t hakube .` from the repository root.
# Base images are pinned by digest (the tag stays for people): a moved tag cannot change what is built.
# The digests are those of the multi-architecture tag indexes as published; refresh them together with
#   docker buildx imagetools inspect mcr.microsoft.com/dotnet/sdk:10.0 --format '{{json .Manifest.Digest}}'
#   docker buildx imagetools inspect mcr.microsoft.com/dotnet/runtime:10.0 --format '{{json .Manifest.Digest}}'
# Build stage: publish src/Reconciler (the `hakube` command) framework-dependent.
FROM mcr.microsoft.com/dotnet/sdk:10.0@sha256:e70cdb7f80b0348f5cb85f19a8f670fca061f033d57eed12fa003d58b0e06317 AS build
WORKDIR /src
# Build settings first, so the restore layer is reused while only sources change.
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig ./
COPY src/Model/HaKube.Model.csproj src/Model/
COPY src/Actions/HaKube.Actions.csproj src/Actions/
COPY src/Reconciler/HaKube.Reconciler.csproj src/Reconciler/
RUN dotnet restore src/Reconciler/HaKube.Reconciler.csproj
COPY src/ src/
# A checkout's own build output must not leak into the image build.
RUN find src -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + \
 && dotnet publish src/Reconciler/HaKube.Reconciler.csproj -c Release -o /app

# Runtime stage: the ASP.NET-free runtime, as the image's non-root "app" user.
FROM mcr.microsoft.com/dotnet/runtime:10.0@sha256:a365ce6a50b09176855d085c69da3fc1204a48432e36087e9a208f6e5860e235
WORKDIR /app
COPY --from=build /app ./
# ssh is not needed: HaKube speaks SSH itself (SSH.NET). State lives in a mounted volume in directory mode.
USER $APP_UID
ENV DOTNET_gcServer=0
EXPOSE 9464
ENTRYPOINT ["dotnet", "/app/hakube.dll"]
CMD ["--help"]
