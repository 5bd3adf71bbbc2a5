# copied from shared/seed/000_745aa4d756e45f8d.txt §3.2 (security/mfa_service.py); changes: minimal fixes only, each marked `# FIX` below:
#   - added missing imports `bcrypt` and `AuthenticationService` (from .auth_service)
#   - `qrcode` resolves to the shim in this directory (the QR image is never stored in Redis)
#   - note: disable_mfa builds `AuthenticationService()` with its default URL; peer.py rebinds the
#     module global `AuthenticationService` to a partial carrying --redis (method body unchanged)

# security/mfa_service.py
import pyotp
import qrcode
import io
import base64
from typing import Optional, Dict
import redis
from datetime import datetime, timedelta
import secrets
import bcrypt  # FIX: missing import (used by disable_mfa)
from .auth_service import AuthenticationService  # FIX: missing import (used by disable_mfa)

class MFAService:
    def __init__(self, redis_url: str = "redis://localhost:6379"):
        self.redis = redis.from_url(redis_url, decode_responses=True)
        self.issuer_name = "Stock Analysis App"
    
    async def setup_mfa(self, user_id: str) -> Dict[str, str]:
        """MFA 설정"""
        
        # 비밀 키 생성
        secret_key = pyotp.random_base32()
        
        # TOTP URI 생성
        totp_uri = pyotp.totp.TOTP(secret_key).provisioning_uri(
            name=f"user_{user_id}",
            issuer_name=self.issuer_name
        )
        
        # QR 코드 생성
        qr = qrcode.QRCode(version=1, box_size=10, border=5)
        qr.add_data(totp_uri)
        qr.make(fit=True)
        
        img = qr.make_image(fill_color="black", back_color="white")
        
        # 이미지를 base64로 변환
        buffer = io.BytesIO()
        img.save(buffer, format='PNG')
        qr_code_base64 = base64.b64encode(buffer.getvalue()).decode()
        
        # 백업 코드 생성
        backup_codes = [secrets.token_hex(4) for _ in range(10)]
        
        # 임시 MFA 설정 정보 저장 (확인 전까지)
        temp_data = {
            "secret_key": secret_key,
            "backup_codes": backup_codes,
            "created_at": datetime.utcnow().isoformat()
        }
        
        self.redis.setex(
            f"mfa_setup:{user_id}",
            600,  # 10분 유효
            str(temp_data)
        )
        
        return {
            "secret_key": secret_key,
            "qr_code": f"data:image/png;base64,{qr_code_base64}",
            "backup_codes": backup_codes
        }
    
    async def verify_and_enable_mfa(
        self, 
        user_id: str, 
        code: str
    ) -> bool:
        """MFA 코드 확인 및 활성화"""
        
        # 임시 설정 정보 가져오기
        temp_data = self.redis.get(f"mfa_setup:{user_id}")
        if not temp_data:
            return False
        
        import ast
        setup_data = ast.literal_eval(temp_data)
        secret_key = setup_data["secret_key"]
        backup_codes = setup_data["backup_codes"]
        
        # TOTP 코드 확인
        totp = pyotp.TOTP(secret_key)
        if not totp.verify(code, valid_window=1):
            # 백업 코드 확인
            if code not in backup_codes:
                return False
            backup_codes.remove(code)
        
        # MFA 활성화
        mfa_data = {
            "secret_key": secret_key,
            "backup_codes": backup_codes,
            "enabled_at": datetime.utcnow().isoformat()
        }
        
        self.redis.set(f"mfa:{user_id}", str(mfa_data))
        
        # 임시 데이터 삭제
        self.redis.delete(f"mfa_setup:{user_id}")
        
        # 사용자 MFA 상태 업데이트
        self.redis.hset(f"user:{user_id}", "mfa_enabled", "true")
        
        return True
    
    async def verify_mfa_code(self, user_id: str, code: str) -> bool:
        """MFA 코드 확인"""
        
        mfa_data = self.redis.get(f"mfa:{user_id}")
        if not mfa_data:
            return False
        
        import ast
        data = ast.literal_eval(mfa_data)
        secret_key = data["secret_key"]
        backup_codes = data["backup_codes"]
        
        # TOTP 코드 확인
        totp = pyotp.TOTP(secret_key)
        if totp.verify(code, valid_window=1):
            return True
        
        # 백업 코드 확인
        if code in backup_codes:
            # 사용된 백업 코드 제거
            backup_codes.remove(code)
            data["backup_codes"] = backup_codes
            self.redis.set(f"mfa:{user_id}", str(data))
            return True
        
        return False
    
    async def disable_mfa(self, user_id: str, password: str) -> bool:
        """MFA 비활성화"""
        
        # 비밀번호 확인
        auth_service = AuthenticationService()
        user = await auth_service._get_user_by_id(user_id)
        if not user:
            return False
        
        stored_hash = await auth_service._get_user_password_hash(user_id)
        if not bcrypt.checkpw(password.encode('utf-8'), stored_hash.encode('utf-8')):
            return False
        
        # MFA 데이터 삭제
        self.redis.delete(f"mfa:{user_id}")
        
        # 사용자 MFA 상태 업데이트
        self.redis.hset(f"user:{user_id}", "mfa_enabled", "false")
        
        return True
    
    async def regenerate_backup_codes(self, user_id: str) -> Optional[list]:
        """백업 코드 재생성"""
        
        mfa_data = self.redis.get(f"mfa:{user_id}")
        if not mfa_data:
            return None
        
        import ast
        data = ast.literal_eval(mfa_data)
        
        # 새 백업 코드 생성
        new_backup_codes = [secrets.token_hex(4) for _ in range(10)]
        data["backup_codes"] = new_backup_codes
        
        self.redis.set(f"mfa:{user_id}", str(data))
        
        return new_backup_codes
